import Foundation

/// A `jzs` command line shown to the user as the next step, with the `--profile` of this run
/// when it is not the default one: a hint printed after `jzs --profile a enterprise signup`
/// reads `jzs --profile a enterprise login …`, which runs with the same session.
enum CommandHint {
    /// `jzs` + the profile of this run (if any) + `rest`.
    static func jzs(_ rest: String) -> String {
        guard let profile = profile(CommandLine.arguments, environment: ProcessInfo.processInfo.environment),
              profile != "default" else { return "jzs " + rest }
        return "jzs --profile \(profile) " + rest
    }

    /// The profile chosen by `--profile NAME`, `--profile=NAME` or `JZS_PROFILE`.
    static func profile(_ arguments: [String], environment: [String: String]) -> String? {
        for (i, argument) in arguments.enumerated() {
            if argument == "--profile", i + 1 < arguments.count { return arguments[i + 1] }
            if argument.hasPrefix("--profile=") { return String(argument.dropFirst("--profile=".count)) }
        }
        return environment["JZS_PROFILE"]
    }
}
