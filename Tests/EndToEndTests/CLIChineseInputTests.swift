import Foundation
@testable import jzs
import Model
import Proto
import Testing

/// A Chinese user types what the CLI prints: statuses, types, decisions and document kinds by
/// their Chinese names; ArgumentParser's own messages read in Chinese.
@Suite("CLI input in Chinese")
struct CLIChineseInputTests {
    @Test("ArgumentParser's usage errors and help headings are said in Chinese; English is left alone")
    func parserTexts() {
        let error = "Error: Missing expected argument '<application-id>'\nHelp:  <application-id>  申请编号。\nUsage: jzs report submit <application-id>\n  See 'jzs report submit --help' for more information."
        let zh = ParserTexts.localize(error, .zh)
        #expect(zh == "错误：缺少参数 <application-id>\n帮助：<application-id>  申请编号。\n用法：jzs report submit <application-id>\n  更多信息：jzs report submit --help")
        #expect(ParserTexts.localize("Error: Unknown option '--typ'", .zh) == "错误：没有这个选项：--typ")
        #expect(ParserTexts.localize("OVERVIEW: x\n\nOPTIONS:\n  -h, --help  Show help information.\n  --page-size <n>  每页条数。 (default: 50)", .zh)
                == "概述：x\n\n选项：\n  -h, --help  显示帮助信息。\n  --page-size <n>  每页条数。 （默认：50）")
        #expect(ParserTexts.localize(error, .en) == error)
    }

    @Test("The parser's suggestions, value lists and wrapped help defaults are said in Chinese too", arguments: [
        ("Error: Unknown option '--pagesize'. Did you mean '--page-size'?", "错误：没有这个选项：--pagesize。是不是 --page-size？"),
        ("Error: The value 'foo' is invalid for '--kind <kind>'. Please provide one of 'licence' and 'qualification'.",
         "错误：选项 --kind <kind> 的值“foo”无效。可选值：licence 或 qualification"),
        ("Error: The option '--all' does not take any value, but '1' was specified.", "错误：选项 --all 不带值，但给了“1”"),
        ("Error: Missing required subcommand.", "错误：缺少子命令。"),
        ("Error: The value 'x' is invalid for '--auth <auth>'. Please provide one of 'lock', 'on-site' and 'on-site-associated'.",
         "错误：选项 --auth <auth> 的值“x”无效。可选值：lock、on-site 或 on-site-associated"),
        ("  --kind <kind>  附件种类。 (values:\n                licence, qualification; default: licence)",
         "  --kind <kind>  附件种类。 （可选值：licence, qualification；默认：licence）"),
        ("  server (default)  运行服务。", "  server（默认）  运行服务。"),
    ] as [(String, String)])
    func moreParserTexts(_ english: String, _ chinese: String) {
        #expect(ParserTexts.localize(english, .zh) == chinese)
        #expect(ParserTexts.localize(english, .en) == english)
    }

    @Test("A hint names the profile of the run that printed it: --profile NAME, --profile=NAME, then JZS_PROFILE")
    func hintProfile() {
        #expect(CommandHint.profile(["jzs", "--profile", "a", "enterprise", "signup"], environment: [:]) == "a")
        #expect(CommandHint.profile(["jzs", "enterprise", "signup", "--profile=b"], environment: ["JZS_PROFILE": "c"]) == "b")
        #expect(CommandHint.profile(["jzs", "whoami"], environment: ["JZS_PROFILE": "c"]) == "c")
        #expect(CommandHint.profile(["jzs", "whoami"], environment: [:]) == nil)
    }

    @Test("A status copied from a server message, 其他 for other documents, and 企业名称 for --set are taken")
    func moreChineseValues() {
        #expect(QueryOptions.status(named: "待住房城乡建设部审批") == .awaitingMinistry)
        #expect(QueryOptions.status(named: "已批准，待公告") == .awaitingAnnouncement)
        #expect(QueryOptions.status(named: "待部级审批") == .awaitingMinistry)
        #expect(DocumentKinds.kind(named: "其他") == .other)
        #expect(DocumentKinds.kind(named: "其他材料") == .other)
        #expect(InfoCommand.Update.fieldName("企业名称") == "name")
    }

    @Test("Statuses, types, decisions and document kinds are accepted by the names the output prints")
    func chineseValues() throws {
        #expect(ApplicationOutput.registrationType("初始注册") == .initial)
        #expect(ApplicationOutput.registrationType("延续") == .renewal)
        #expect(Decisions.approve("批准") == true)
        #expect(Decisions.approve("不予注册") == false)
        #expect(Decisions.approve("maybe") == nil)
        #expect(DocumentKinds.kind(named: "资格证书") == .qualificationCertificate)
        #expect(DocumentKinds.kind(named: "qualification") == .qualificationCertificate)
        #expect(QueryOptions.status(named: "待省级审查") == .awaitingProvince)
        #expect(QueryOptions.status(named: "awaiting-ministry") == .awaitingMinistry)
        #expect(QueryOptions.status(named: "completed") == .completed)
        #expect(QueryOptions.status(named: "不存在") == nil)
        #expect(InfoCommand.Update.fieldName("联系人") == "contact")
        #expect(InfoCommand.Update.fieldName("contact_phone") == "contact_phone")
        #expect(StatusTexts.action("announced in 2026-0002") == StatusTexts.announcedIn[UILanguage.current].replacingOccurrences(of: "{1}", with: "2026-0002"))
    }
}
