import ArgumentParser
import Foundation
import Model
import Proto
import RPCClient

/// The fields of an application, shared by apply and resubmit.
struct DraftOptions: ParsableArguments {
    @Option(help: ArgumentHelp(IndividualTexts.type))
    var type: String
    @Option(name: .customLong("specialty"), help: ArgumentHelp(IndividualTexts.specialty)) var specialties: [String] = []
    @Option(name: .customLong("employer"), help: ArgumentHelp(IndividualTexts.employer)) var employer: String
    // Each type asks only for what it needs (the server says which flag is missing): 初始/重新
    // both groups, 增项 the qualification, 变更 the contract, 延续 and 注销 neither.
    @Option(name: .customLong("certificate-no"), help: ArgumentHelp(IndividualTexts.certificateNo)) var certificateNo = ""
    @Option(name: .customLong("qualified-on"), help: ArgumentHelp(IndividualTexts.qualifiedOn)) var qualifiedOn = ""
    @Option(name: .customLong("contract-start"), help: ArgumentHelp(IndividualTexts.contractStart)) var contractStart = ""
    @Option(name: .customLong("contract-end"), help: ArgumentHelp(IndividualTexts.contractEnd)) var contractEnd = ""

    func validate() throws {
        guard ApplicationOutput.registrationType(type) != nil else { throw ValidationError(IndividualTexts.badType(type)) }
    }

    /// The flags of the draft's fields, for the violations a server finds.
    static let naming = FieldNaming(flags: [
        "type": "--type", "specialties": "--specialty", "specialty": "--specialty", "employer_credit_code": "--employer",
        "qualification_certificate_no": "--certificate-no", "qualification_date": "--qualified-on",
        "contract_start": "--contract-start", "contract_end": "--contract-end",
    ])

    var draft: Wire.Common.ApplicationDraft {
        .init(type: ApplicationOutput.registrationType(type) ?? .unspecified, specialties: specialties, employerCreditCode: employer,
              qualificationCertificateNo: certificateNo, qualificationDate: qualifiedOn, contractStart: contractStart, contractEnd: contractEnd)
    }
}

extension IndividualCommand {
    struct Apply: ClientCommand {
        static let configuration = CommandConfiguration(abstract: IndividualTexts.applyAbstract.text)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var fields: DraftOptions
        var fieldNaming: FieldNaming { DraftOptions.naming }

        func run(with client: Client) async throws {
            let a = try await client.individual.submit(fields.draft)
            ApplicationOutput.show(a, json: global.json)
        }
    }

    struct Applications: ClientCommand {
        static let configuration = CommandConfiguration(abstract: IndividualTexts.applicationsAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(IndividualTexts.applicationIDForDetail)) var applicationID: String?

        func run(with client: Client) async throws {
            if let applicationID {
                let a = try await client.individual.application(applicationID)
                ApplicationOutput.show(a, json: global.json)
            } else {
                let page = try await client.individual.applications()
                if global.json { Output.json(page.applications.map(ApplicationOutput.json)) } else { ApplicationOutput.table(page) }
            }
        }
    }

    struct Withdraw: ClientCommand {
        static let configuration = CommandConfiguration(abstract: IndividualTexts.withdrawAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String

        func run(with client: Client) async throws {
            let a = try await client.individual.withdraw(applicationID)
            ApplicationOutput.changed(a, json: global.json)
        }
    }

    struct Resubmit: ClientCommand {
        static let configuration = CommandConfiguration(abstract: IndividualTexts.resubmitAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String
        @OptionGroup var fields: DraftOptions
        var fieldNaming: FieldNaming { DraftOptions.naming }

        func run(with client: Client) async throws {
            let a = try await client.individual.resubmit(applicationID, fields.draft)
            ApplicationOutput.show(a, json: global.json)
        }
    }
}
