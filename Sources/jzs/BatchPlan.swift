import Crypto
import Foundation

/// What an enterprise batch report (`jzs report batch`) sends under one `--batch-key`: the
/// applications in order and the chunk size, recorded before the first chunk goes out.
///
/// The server keeps each chunk's answer under its idempotency key (`key-0`, `key-1`, …) and
/// refuses the same key with other content. Recomputing the list on a rerun (the pending list,
/// which shrank as chunks were reported) changed every chunk under the same keys; sending the
/// recorded chunks again instead makes each request identical, so the server answers the chunks
/// it applied with their stored results and applies the others. The ministry's batch gets the
/// same property from its file's digest; an enterprise batch has no file, so this is its file.
///
/// Kept per profile in `$XDG_CONFIG_HOME/jzs/batches/<profile>/<digest of server and key>.json`,
/// 0600 in a 0700 directory (``LocalFile/write(_:to:)``).
struct BatchPlan: Codable, Equatable {
    var server: String
    var key: String
    var chunk: Int
    var applicationIDs: [String]
    var createdAt: Date
    /// Applicant names by application id, as listed when the plan was made (shown with outcomes).
    var applicants: [String: String]? = nil
    /// Each application's outcome, recorded when the last chunk has been answered: a rerun of a
    /// finished key prints it and sends nothing.
    var result: Result? = nil

    /// What a finished batch did.
    struct Result: Codable, Equatable {
        var finishedAt: Date
        var items: [Item]

        struct Item: Codable, Equatable {
            var applicationID: String
            var reported: Bool
            /// The item's status code name when it failed (`FAILED_PRECONDITION`).
            var code: String?
            /// The server's reason when it failed (in the language of the run that sent it).
            var message: String?

            enum CodingKeys: String, CodingKey {
                case applicationID = "application_id", reported, code, message
            }
        }

        var reportedCount: Int { items.filter(\.reported).count }
        var failed: [Item] { items.filter { !$0.reported } }

        enum CodingKeys: String, CodingKey {
            case finishedAt = "finished_at", items
        }
    }

    enum CodingKeys: String, CodingKey {
        case server, key, chunk, applicationIDs = "application_ids", createdAt = "created_at", applicants, result
    }

    /// The chunks in the order they are sent, each with its idempotency key.
    var chunks: [(key: String, ids: [String])] {
        let size = max(1, chunk)
        return stride(from: 0, to: applicationIDs.count, by: size).enumerated().map { n, start in
            ("\(key)-\(n)", Array(applicationIDs[start..<min(start + size, applicationIDs.count)]))
        }
    }

    /// The plans of one profile.
    struct Store {
        let profile: String

        var directory: URL {
            SessionStore.directory.deletingLastPathComponent().appendingPathComponent("batches/\(profile)", isDirectory: true)
        }

        func file(server: String, key: String) -> URL {
            let digest = Digest.hex(Digest.sha256(Array("\(server)\u{1F}\(key)".utf8))).prefix(32)
            return directory.appendingPathComponent("\(digest).json")
        }

        /// The plan recorded for `key` on `server`, if any.
        /// - Throws: ``LocalFile/Problem`` when a record exists but cannot be read: it is never
        ///   replaced silently, since a new list under the same key would be refused by the server.
        func load(server: String, key: String) throws -> BatchPlan? {
            let url = file(server: server, key: key)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            let data = try LocalFile.read(url.path, role: FileTexts.batchRecord.text)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            guard let plan = try? decoder.decode(BatchPlan.self, from: data), plan.server == server, plan.key == key else {
                throw LocalFile.Problem(access: .read, path: url.path, role: FileTexts.batchRecord.text, reason: FileTexts.notBatchRecord.text)
            }
            return plan
        }

        func save(_ plan: BatchPlan) throws {
            try LocalFile.makePrivateDirectory(directory)
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys]
            try LocalFile.write(try encoder.encode(plan), to: file(server: plan.server, key: plan.key).path)
        }
    }
}
