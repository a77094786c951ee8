// A gRPC C++ load client for jzs.public.v1.Public/Echo with the semantics and the output line of
// jzs-bench (Sources/jzs-bench/LoadCommand.swift), so scripts/bench-grpc-cpp can put either client
// against either server:
//
//   {"impl":"grpc-c++","concurrency":C,"connections":K,"payload":P,"seconds":S,"calls":N,
//    "calls_per_s":X,"p50_us":…,"p99_us":…,"errors":E}
//
// C calls are kept in flight, spread evenly over K channels (call slot i uses channel i % K), each
// channel its own TCP connection. A call counts when it was sent inside the measured window (after
// the warm-up); its latency runs from just before the call to the response in hand.
//
// It drives gRPC the way gRPC's own qps client does (test/cpp/qps/client_async.cc): the
// asynchronous completion-queue API, each polling thread with its own completion queue, call slot
// i on queue i % threads. Tried on this 2-core machine against echo_server (one completion queue;
// smoke runs, 3 s, P=256): at C=16 K=1 one polling thread did 45,000–52,000 calls/s, two threads
// 39,000 and the callback API (stub->async()->Echo) 39,000; at C=256 K=16 two threads did
// 45,000–47,000, one 39,500 and the callback API 44,000. So the callback variant is not kept, and
// the default is one polling thread per connection, at most one per core (threads beyond the
// connections only contend for them).
//
// `--api sync` drives the synchronous API instead, as most gRPC C++ callers are written: one thread
// per call slot, each making blocking stub->Echo calls one after another.
//
//   echo_client --server 127.0.0.1:7461 --ca DIR/pki/ca.pem --concurrency 16 --connections 1
//               --payload 256 --seconds 8 --warmup 2 [--api async|sync] [--threads N]

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "jzs/public/v1/public.grpc.pb.h"
#include "read_file.h"

using jzs::public_::v1::EchoRequest;
using jzs::public_::v1::EchoResponse;
using jzs::public_::v1::Public;
using Clock = std::chrono::steady_clock;

namespace {

/// A Double printed as Swift prints it ("8.0", "2.5", "13021.4"), so both clients' lines read alike.
std::string swiftDouble(double value) {
    char text[64];
    auto end = std::to_chars(text, text + sizeof text, value).ptr;
    std::string printed(text, end);
    if (printed.find_first_of(".en") == std::string::npos) printed += ".0";
    return printed;
}

struct Window {
    Clock::time_point measureFrom, measureUntil;
};

/// What one polling thread saw in the measured window.
struct Tally {
    std::vector<uint32_t> latencies;
    long errors = 0;
    std::string firstError;
};

/// Counts one call sent at `sent` and answered at `done` with `status`, if it was sent inside the
/// measured window: its latency when it succeeded, else an error (the first one kept for the log).
void record(Tally* tally, const Window* window, Clock::time_point sent, Clock::time_point done, const grpc::Status& status) {
    if (sent < window->measureFrom || sent >= window->measureUntil) return;
    if (status.ok()) {
        auto micros = std::chrono::duration_cast<std::chrono::microseconds>(done - sent).count();
        tally->latencies.push_back(static_cast<uint32_t>(std::min<long long>(micros, UINT32_MAX)));
    } else {
        tally->errors++;
        if (tally->firstError.empty()) {
            tally->firstError = "status " + std::to_string(status.error_code()) + ": " + status.error_message();
        }
    }
}

/// One call slot: sends Echo, and when the answer comes sends the next, until the window closes.
/// A fresh ClientContext per call, since a ClientContext is not reusable.
class Slot {
public:
    Slot(Public::Stub* stub, grpc::CompletionQueue* queue, const EchoRequest* request, const Window* window, Tally* tally)
        : stub_(stub), queue_(queue), request_(request), window_(window), tally_(tally) {}

    /// Sends the next call, or answers false when the window is over and the slot is done.
    bool start() {
        sent_ = Clock::now();
        if (sent_ >= window_->measureUntil) return false;
        context_ = std::make_unique<grpc::ClientContext>();
        reader_ = stub_->AsyncEcho(context_.get(), *request_, queue_);
        reader_->Finish(&response_, &status_, this);
        return true;
    }

    /// Records the call that just completed.
    void completed() { record(tally_, window_, sent_, Clock::now(), status_); }

private:
    Public::Stub* stub_;
    grpc::CompletionQueue* queue_;
    const EchoRequest* request_;
    const Window* window_;
    Tally* tally_;
    Clock::time_point sent_;
    std::unique_ptr<grpc::ClientContext> context_;
    std::unique_ptr<grpc::ClientAsyncResponseReader<EchoResponse>> reader_;
    EchoResponse response_;
    grpc::Status status_;
};

/// The synchronous API: one thread per call slot, blocking calls one after another.
void callBlocking(Public::Stub* stub, const EchoRequest* request, const Window* window, Tally* tally) {
    for (;;) {
        auto sent = Clock::now();
        if (sent >= window->measureUntil) return;
        grpc::ClientContext context;
        EchoResponse response;
        grpc::Status status = stub->Echo(&context, *request, &response);
        record(tally, window, sent, Clock::now(), status);
    }
}

/// Runs the slots of one completion queue until each has sent its last call and had its answer.
void poll(grpc::CompletionQueue* queue, std::vector<std::unique_ptr<Slot>>* slots) {
    size_t inFlight = 0;
    for (auto& slot : *slots) inFlight += slot->start() ? 1 : 0;
    void* tag;
    bool ok;
    while (inFlight > 0 && queue->Next(&tag, &ok)) {
        auto* slot = static_cast<Slot*>(tag);
        slot->completed();
        if (!slot->start()) inFlight--;
    }
}

void usage() {
    std::fprintf(stderr,
                 "usage: echo_client --server host:port --ca ca.pem [--concurrency C] [--connections K] [--payload P]\n"
                 "                   [--seconds S] [--warmup W] [--api async|sync] [--threads N]\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    std::string server = "127.0.0.1:7461", caFile, api = "async";
    int concurrency = 16, connections = 1, payload = 256;
    double seconds = 10, warmup = 2;
    int threads = 0;  // 0: one per connection, at most one per core
    for (int i = 1; i < argc; i++) {
        std::string flag = argv[i];
        if (i + 1 >= argc) usage();
        std::string value = argv[++i];
        if (flag == "--server") server = value;
        else if (flag == "--ca") caFile = value;
        else if (flag == "--concurrency") concurrency = std::atoi(value.c_str());
        else if (flag == "--connections") connections = std::atoi(value.c_str());
        else if (flag == "--payload") payload = std::atoi(value.c_str());
        else if (flag == "--seconds") seconds = std::atof(value.c_str());
        else if (flag == "--warmup") warmup = std::atof(value.c_str());
        else if (flag == "--threads") threads = std::atoi(value.c_str());
        else if (flag == "--api") api = value;
        else usage();
    }
    if ((api != "async" && api != "sync") || caFile.empty() || concurrency < 1 || connections < 1 || connections > concurrency || payload < 0 ||
        seconds <= 0 || warmup < 0 || threads < 0) {
        usage();
    }
    if (threads == 0) threads = std::max(1, std::min(connections, static_cast<int>(std::thread::hardware_concurrency())));
    threads = std::min(threads, concurrency);

    // K channels, each its own TCP connection: a local subchannel pool and a distinct argument keep
    // gRPC from sharing one subchannel between channels with the same target (as its qps client does).
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = readFile("echo_client", caFile);
    auto credentials = grpc::SslCredentials(tls);
    std::vector<std::unique_ptr<Public::Stub>> stubs;
    for (int k = 0; k < connections; k++) {
        grpc::ChannelArguments arguments;
        arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
        arguments.SetInt("jzs.bench.channel", k);
        auto channel = grpc::CreateCustomChannel(server, credentials, arguments);
        if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
            std::fprintf(stderr, "echo_client: cannot connect to %s\n", server.c_str());
            return 1;
        }
        stubs.push_back(Public::NewStub(channel));
    }

    EchoRequest request;
    request.set_payload(std::string(static_cast<size_t>(payload), '\x5A'));
    auto start = Clock::now();
    Window window;
    window.measureFrom = start + std::chrono::milliseconds(static_cast<long long>(warmup * 1000));
    window.measureUntil = window.measureFrom + std::chrono::milliseconds(static_cast<long long>(seconds * 1000));

    if (api == "sync") threads = concurrency;
    std::vector<std::unique_ptr<grpc::CompletionQueue>> queues;
    std::vector<Tally> tallies(threads);
    std::vector<std::vector<std::unique_ptr<Slot>>> slots(threads);
    std::vector<std::thread> pollers;
    if (api == "sync") {
        for (int i = 0; i < concurrency; i++) {
            pollers.emplace_back(callBlocking, stubs[i % connections].get(), &request, &window, &tallies[i]);
        }
    } else {
        for (int t = 0; t < threads; t++) queues.push_back(std::make_unique<grpc::CompletionQueue>());
        for (int i = 0; i < concurrency; i++) {
            int t = i % threads;
            slots[t].push_back(std::make_unique<Slot>(stubs[i % connections].get(), queues[t].get(), &request, &window, &tallies[t]));
        }
        for (int t = 0; t < threads; t++) pollers.emplace_back(poll, queues[t].get(), &slots[t]);
    }
    for (auto& poller : pollers) poller.join();
    for (auto& queue : queues) {
        queue->Shutdown();
        void* tag;
        bool ok;
        while (queue->Next(&tag, &ok)) {}
    }

    std::vector<uint32_t> latencies;
    long errors = 0;
    std::string firstError;
    for (auto& tally : tallies) {
        latencies.insert(latencies.end(), tally.latencies.begin(), tally.latencies.end());
        errors += tally.errors;
        if (firstError.empty()) firstError = tally.firstError;
    }
    if (!firstError.empty()) std::fprintf(stderr, "echo_client: %ld errors, first: %s\n", errors, firstError.c_str());
    std::sort(latencies.begin(), latencies.end());
    auto percentile = [&](double p) -> uint32_t {
        if (latencies.empty()) return 0;
        return latencies[std::min(latencies.size() - 1, static_cast<size_t>(static_cast<double>(latencies.size()) * p))];
    };
    long calls = static_cast<long>(latencies.size()) + errors;
    double rate = std::round(static_cast<double>(calls) / seconds * 10) / 10;
    std::printf("{\"impl\":\"grpc-c++\",\"concurrency\":%d,\"connections\":%d,\"payload\":%d,\"seconds\":%s,\"calls\":%ld,"
                "\"calls_per_s\":%s,\"p50_us\":%u,\"p99_us\":%u,\"errors\":%ld}\n",
                concurrency, connections, payload, swiftDouble(seconds).c_str(), calls, swiftDouble(rate).c_str(),
                percentile(0.5), percentile(0.99), errors);
    return 0;
}
