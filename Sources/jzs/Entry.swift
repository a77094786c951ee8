import ArgumentParser
import Foundation

@main
enum Entry {
    static func main() async {
        await run(GlobalArguments.moveAfterSubcommand(Array(CommandLine.arguments.dropFirst())))
    }
}

struct JZS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jzs",
        abstract: HelpTexts.rootAbstract.text,
        discussion: HelpTexts.rootDiscussion.text + FailureTexts.exitStatuses.text,
        subcommands: [Health.self, Services.self, WhoAmI.self, Echo.self, IndividualCommand.self, EnterpriseCommand.self, LoginCommand.self, Home.self, ReportCommand.self, StaffCommand.self, InfoCommand.self, UsersCommand.self, PasswordCommand.self, ProvinceCommand.self, MinistryCommand.self, CertCommand.self, DocumentCommand.self, PublicCommand.self, Logout.self])
}

/// Lets global options precede the subcommand (`jzs --json health`): ArgumentParser reads
/// options of the command that runs, so they are moved after the subcommand path.
enum GlobalArguments {
    static let valued: Set<String> = ["--server", "--ca", "--cert", "--key", "--timeout", "--profile", "--operator", "--lang", "--protocol"]
    static let flags: Set<String> = ["--json"]

    static func moveAfterSubcommand(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            let name = a.split(separator: "=", maxSplits: 1).first.map(String.init) ?? a
            if flags.contains(a) {
                leading.append(a)
                i += 1
            } else if valued.contains(name) {
                leading.append(a)
                if !a.contains("="), i + 1 < arguments.count { leading.append(arguments[i + 1]); i += 1 }
                i += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty else { return arguments }
        guard i < arguments.count else { return [] }
        // Keep the subcommand path (words without a leading dash) first, then the globals.
        var rest = Array(arguments[i...])
        var path: [String] = []
        while let first = rest.first, !first.hasPrefix("-") { path.append(first); rest.removeFirst() }
        // `jzs --lang en --help`: no subcommand takes the globals; the root has none of its own
        // (the language is already chosen from the arguments, see UILanguage).
        if path.isEmpty { return rest }
        return path + leading + rest
    }
}
