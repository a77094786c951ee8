// A gRPC C++ server for jzs.public.v1.Public/Echo: the reference that scripts/bench-grpc-cpp
// measures beside jzsd on the same machine in the same run (issue #11's goal is stated against it).
//
// It gets gRPC C++'s best configuration for throughput, the shape its own qps benchmark uses
// (test/cpp/qps/server_async.cc): the asynchronous completion-queue API, each completion queue
// with its own polling thread and many calls requested ahead. Tried on this 2-core machine with
// the client on the same machine (smoke runs, 3 s, P=256), calls/s:
//
//   server                      C=16 K=1 (C++ client / jzs-bench h2)   C=256 K=16 (C++ client)
//   async, 1 queue + thread     45,000–50,000 / 45,000                 45,000–47,000
//   async, 2 queues + threads   27,000 / 25,000                        42,000–43,000
//   callback API                43,000 / 35,000–36,000                 34,000–35,000
//
// so the callback variant (grpc::CallbackService) is not kept, and the default is one queue per
// two cores: the load client needs the other half of the machine, and a second polling thread
// on a core the client also wants only adds contention. --threads sets another count.
//
// `--api sync` serves the synchronous API instead (a grpc::Service subclass whose Echo returns the
// answer, as in gRPC's own examples and most servers written with it): gRPC's default thread
// pool runs the handlers. It is the reference for gRPC C++ as it is usually written, the async
// default for gRPC C++ at its fastest.
//
// Echo answers `payload` and `text` back (delay_millis is ignored: this is a throughput reference).
// TLS with the server certificate and key that `jzsd init` writes under DIR/pki; no client
// certificate is asked for.
//
//   echo_server --listen 127.0.0.1:7461 --cert DIR/pki/server.pem --key DIR/pki/server-key.pem
//               [--api async|sync] [--threads N]

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <csignal>
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

namespace {

/// Calls each completion queue keeps requested ahead, so a burst of new streams never waits for a
/// request to be posted (gRPC's qps server keeps a comparable number outstanding per queue).
constexpr int kRequestedAheadPerQueue = 256;

/// One Echo call through its two steps: requested (waiting for a client), then answered (waiting
/// for the status to be sent). A fresh object per call, since a ServerContext is not reusable.
class EchoCall {
public:
    EchoCall(Public::AsyncService* service, grpc::ServerCompletionQueue* queue)
        : service_(service), queue_(queue), responder_(&context_) {
        service_->RequestEcho(&context_, &request_, &responder_, queue_, queue_, this);
    }

    /// Advances on a completion from the queue; `ok` false means the call or the server ended.
    void proceed(bool ok) {
        if (answered_ || !ok) {  // status sent, or the server is shutting down
            delete this;
            return;
        }
        new EchoCall(service_, queue_);  // keep as many calls requested ahead
        EchoResponse response;
        response.set_payload(request_.payload());
        response.set_text(request_.text());
        answered_ = true;
        responder_.Finish(response, grpc::Status::OK, this);
    }

private:
    Public::AsyncService* service_;
    grpc::ServerCompletionQueue* queue_;
    grpc::ServerContext context_;
    EchoRequest request_;
    grpc::ServerAsyncResponseWriter<EchoResponse> responder_;
    bool answered_ = false;
};

/// The synchronous API: gRPC runs Echo on a thread of its own pool and sends what it returns.
class SyncEcho final : public Public::Service {
    grpc::Status Echo(grpc::ServerContext*, const EchoRequest* request, EchoResponse* response) override {
        response->set_payload(request->payload());
        response->set_text(request->text());
        return grpc::Status::OK;
    }
};

void usage() {
    std::fprintf(stderr, "usage: echo_server --listen host:port --cert server.pem --key server-key.pem [--api async|sync] [--threads N]\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    std::string listen = "127.0.0.1:7461", certFile, keyFile, api = "async";
    int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2);
    for (int i = 1; i < argc; i++) {
        std::string flag = argv[i];
        if (i + 1 >= argc) usage();
        std::string value = argv[++i];
        if (flag == "--listen") listen = value;
        else if (flag == "--cert") certFile = value;
        else if (flag == "--key") keyFile = value;
        else if (flag == "--threads") threads = std::atoi(value.c_str());
        else if (flag == "--api") api = value;
        else usage();
    }
    if (certFile.empty() || keyFile.empty() || threads < 1 || (api != "async" && api != "sync")) usage();
    bool sync = api == "sync";

    // SIGTERM and SIGINT are blocked before gRPC starts its threads, so only sigwait below sees them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    grpc::SslServerCredentialsOptions tls(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    tls.pem_key_cert_pairs.push_back({readFile("echo_server", keyFile), readFile("echo_server", certFile)});

    Public::AsyncService service;
    SyncEcho syncService;
    grpc::ServerBuilder builder;
    builder.AddListeningPort(listen, grpc::SslServerCredentials(tls));
    std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues;
    if (sync) {
        builder.RegisterService(&syncService);
    } else {
        builder.RegisterService(&service);
        for (int t = 0; t < threads; t++) queues.push_back(builder.AddCompletionQueue());
    }
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    if (!server) {
        std::fprintf(stderr, "echo_server: cannot listen on %s\n", listen.c_str());
        return 1;
    }

    std::vector<std::thread> pollers;
    for (auto& queue : queues) {
        grpc::ServerCompletionQueue* q = queue.get();
        for (int n = 0; n < kRequestedAheadPerQueue; n++) new EchoCall(&service, q);
        pollers.emplace_back([q] {
            void* tag;
            bool ok;
            while (q->Next(&tag, &ok)) static_cast<EchoCall*>(tag)->proceed(ok);
        });
    }
    if (sync) {
        std::fprintf(stderr, "echo_server: gRPC C++ %s listening on %s, synchronous API\n", grpc::Version().c_str(), listen.c_str());
    } else {
        std::fprintf(stderr, "echo_server: gRPC C++ %s listening on %s, %d completion queues\n",
                     grpc::Version().c_str(), listen.c_str(), threads);
    }

    // Serve until SIGTERM or SIGINT, then shut down cleanly.
    int received;
    sigwait(&signals, &received);
    server->Shutdown();
    for (auto& queue : queues) queue->Shutdown();
    for (auto& poller : pollers) poller.join();
    return 0;
}
