import Logging
import Model
import RPCServer

/// Asks the database every `interval` whether it would take a write (``RegistryStore/probe()``)
/// and tells the server's health: NOT_SERVING while no writable primary answers (a PostgreSQL
/// primary down, or failing over to its standby), SERVING again once one does. Load balancers and
/// `grpc.health.v1.Health` watchers see the outage; calls meanwhile answer UNAVAILABLE
/// (`call.store_unavailable`). Each change is logged once.
enum StoreProbe {
    static func run(store: any RegistryStore, health: HealthState, every interval: Duration, logger: Logger) async {
        while !Task.isCancelled {
            let reachable = await store.probe()
            guard !Task.isCancelled else { return }   // shutting down: the answer means nothing
            if health.setStoreReachable(reachable) {
                if reachable {
                    logger.notice("database answers again: SERVING")
                } else {
                    logger.warning("database does not answer (no writable primary): NOT_SERVING until it does")
                }
            }
            try? await Task.sleep(for: interval)
        }
    }
}
