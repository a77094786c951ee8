import ArgumentParser
import Foundation

@main
enum Entry {
    static func main() async {
        await JZS.main(GlobalArguments.moveAfterSubcommand(Array(CommandLine.arguments.dropFirst())))
    }
}

struct JZS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jzs",
        abstract: "Client of jzs, 建设行业执业资格管理信息系统（一级建造师）.",
        discussion: """
            Global options (--server, --ca, --cert, --key, --timeout, --json, --profile) may come before or \
            after the command. Connection settings come from flags, then environment variables \
            (JZS_SERVER, JZS_CA, JZS_CERT, JZS_KEY, JZS_TIMEOUT), then the config file \
            ($XDG_CONFIG_HOME/jzs/config.json or ~/.config/jzs/config.json, keys "server", "ca", \
            "cert", "key", "timeout"), then defaults (server 127.0.0.1:7443; CA \
            .jzs-data/pki/ca.pem when it exists).

            Passwords are typed at the terminal without echo, or read from standard input with \
            --password-stdin; --password (and --old, --new, --new-password, --admin-password) puts \
            the password in the process list, where other local users can read it: for scripts only. \
            Files jzs writes (sessions, downloads, reports) are created readable by you only (0600).


            """ + Messages.exitStatuses,
        subcommands: [Health.self, Services.self, WhoAmI.self, Echo.self, IndividualCommand.self, EnterpriseCommand.self, LoginCommand.self, Home.self, ReportCommand.self, StaffCommand.self, InfoCommand.self, UsersCommand.self, PasswordCommand.self, ProvinceCommand.self, MinistryCommand.self, CertCommand.self, DocumentCommand.self, PublicCommand.self, Logout.self])
}

/// Lets global options precede the subcommand (`jzs --json health`): ArgumentParser reads
/// options of the command that runs, so they are moved after the subcommand path.
enum GlobalArguments {
    static let valued: Set<String> = ["--server", "--ca", "--cert", "--key", "--timeout", "--profile", "--operator"]
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
        guard !leading.isEmpty, i < arguments.count else { return arguments }
        // Keep the subcommand path (words without a leading dash) first, then the globals.
        var rest = Array(arguments[i...])
        var path: [String] = []
        while let first = rest.first, !first.hasPrefix("-") { path.append(first); rest.removeFirst() }
        return path + leading + rest
    }
}
