import Foundation
import Model
import Proto
import RPCClient
import Testing

/// The client library's retry of a call the server did not run (PROTOCOL.md §8.4): UNAVAILABLE
/// `call.store_unavailable` is sent again after a pause, only while the caller's deadline leaves
/// time for it, and a cancelled caller is not kept waiting through a pause.
@Suite("The client retries a call the database could not take")
struct ClientRetryTests {
    @Test("Each pause is drawn from the upper half of 100 ms doubling to at most 2 s", arguments: 1...12)
    func pauses(retry: Int) {
        let ceiling = min(2_000, 100 << (retry - 1))
        for _ in 0..<200 {
            let pause = Client.storePause(retry)
            #expect(pause >= .milliseconds(ceiling / 2) && pause <= .milliseconds(ceiling), "retry \(retry): \(pause)")
        }
    }

    @Test("A retry carries what is left of the caller's deadline, and is not sent with less than 200 ms left")
    func retryDeadline() {
        #expect(Client.retryTimeout(deadline: .seconds(1), elapsed: .milliseconds(700)) == .milliseconds(300))
        #expect(Client.retryTimeout(deadline: .seconds(1), elapsed: .milliseconds(800)) == .milliseconds(200))
        #expect(Client.retryTimeout(deadline: .seconds(1), elapsed: .milliseconds(801)) == nil)
        // A pause that overran past the deadline sends nothing more.
        #expect(Client.retryTimeout(deadline: .seconds(1), elapsed: .milliseconds(1_500)) == nil)
    }

    @Test("An outage shorter than the deadline is ridden out: the call answers after two retries, on both transports",
          arguments: WireProtocol.allCases)
    func ridesOut(wire: WireProtocol) async throws {
        let probe = CancellationProbe()
        try await withTestServer(probe: probe) { server in
            try await withClient(server.clientConfiguration(protocol: wire)) { client in
                await probe.failNext(2)
                let started = ContinuousClock.now
                let answer = try await client.unary(TestMethods.outage, .init(text: "after the outage"))
                #expect(answer.text == "after the outage")
                #expect(await probe.startedCount == 3)
                // Two pauses: at least 50 ms, then at least 100 ms.
                #expect(ContinuousClock.now - started >= .milliseconds(150))
            }
        }
    }

    @Test("An outage past the deadline ends at the deadline: the client stops retrying and answers",
          arguments: WireProtocol.allCases)
    func givesUpInTime(wire: WireProtocol) async throws {
        let probe = CancellationProbe()
        let deadline = Duration.seconds(3)
        try await withTestServer(probe: probe) { server in
            try await withClient(server.clientConfiguration(timeout: deadline, protocol: wire)) { client in
                await probe.failNext(1_000)
                let started = ContinuousClock.now
                let error = await rpcError { _ = try await client.unary(TestMethods.outage, .init(text: "never")) }
                let took = ContinuousClock.now - started
                // The last answer stands: the outage, or DEADLINE_EXCEEDED when a retry was under way
                // as the deadline came (on 2 busy cores a call can take longer than what was left).
                let outage = error?.code == .unavailable && error?.messageCode == TextCode.storeUnavailable.rawValue
                #expect(outage || error?.code == .deadlineExceeded, "\(String(describing: error))")
                // 1,000 failures would take half an hour. The wide margin is for late wake-ups while
                // the whole suite runs under AddressSanitizer on 2 cores (CI once saw 8.3 s); that the
                // client stops sending is the check just below, the 200 ms rule retryDeadline's.
                #expect(took < deadline + .seconds(12), "\(took)")
                let attempts = await probe.startedCount
                try await Task.sleep(for: .milliseconds(2_500))   // longer than any pause
                #expect(await probe.startedCount <= attempts + 1, "sent again after it answered (one may still have been on its way)")
            }
        }
    }

    @Test("Cancelling the caller during a pause ends the call at once as CANCELLED")
    func cancelledInPause() async throws {
        let probe = CancellationProbe()
        try await withTestServer(probe: probe) { server in
            try await withClient(server.clientConfiguration(timeout: .seconds(30))) { client in
                await probe.failNext(1_000)
                let call = Task { try await client.unary(TestMethods.outage, .init(text: "never")) }
                // After the 6th attempt the pause is 1 to 2 s.
                let waiting = ContinuousClock.now
                while await probe.startedCount < 6 {
                    try #require(ContinuousClock.now - waiting < .seconds(20), "the client stopped retrying")
                    try await Task.sleep(for: .milliseconds(5))
                }
                let cancelled = ContinuousClock.now
                call.cancel()
                let error = await rpcError { _ = try await call.value }
                #expect(error?.code == .cancelled, "\(String(describing: error))")
                #expect(ContinuousClock.now - cancelled < .milliseconds(900), "the call waited out its pause")
                let attempts = await probe.startedCount
                try await Task.sleep(for: .milliseconds(2_500))   // longer than any pause
                #expect(await probe.startedCount == attempts, "a cancelled call was sent again")
            }
        }
    }
}
