import ArgumentParser
import Proto
import RPCClient

extension PublicCommand {
    /// `jzs public verify`: the public status of a certificate, by its identifier or by a
    /// 注册编号 with the holder's name (`--registration-number X --name Y`, or `X Y`).
    struct VerifyCertificate: ClientCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: CertificateTexts.publicVerifyAbstract.text,
                                                        discussion: CertificateTexts.publicVerifyDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(CertificateTexts.publicVerifyArguments.text)) var values: [String] = []
        @Option(help: ArgumentHelp(CertificateTexts.registrationNumberOption.text)) var registrationNumber: String?
        @Option(help: ArgumentHelp(CertificateTexts.holderNameOption.text)) var name: String?
        var anonymous: Bool { true }

        /// What to ask for: an identifier, or a number and a name.
        enum Query: Equatable {
            case identifier(String)
            case number(String, name: String)
        }

        var query: Query? {
            switch (registrationNumber, name, values.count) {
            case (nil, nil, 1) where values[0].hasPrefix("1.2.156."): .identifier(values[0])
            case (nil, nil, 2): .number(values[0], name: values[1])
            case (nil, let name?, 1): .number(values[0], name: name)
            case (let number?, nil, 1): .number(number, name: values[0])
            case (let number?, let name?, 0): .number(number, name: name)
            default: nil
            }
        }

        func validate() throws {
            guard query != nil else { throw ValidationError(CertificateTexts.publicVerifyUsage.text) }
        }

        func run(with client: Client) async throws {
            switch query {
            case .identifier(let id)?:
                CertCommand.show(try await client.public.verifyCertificate(id), json: global.json)
            case .number(let number, let name)?:
                CertCommand.show(try await client.public.verifyCertificate(registrationNumber: number, holderName: name), json: global.json)
            case nil:
                throw ValidationError(CertificateTexts.publicVerifyUsage.text)
            }
        }
    }
}
