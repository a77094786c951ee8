/// What each registration type asks the applicant for (issue #9): a 延续 or 注销 keeps the
/// registration's qualification and labour contract, a 变更 brings a new employer's contract but
/// the same qualification, a 增项 brings the qualification of the added specialty.
public struct RegistrationFields: Sendable, Equatable {
    /// 资格证书编号 and 资格取得日期.
    public let qualification: Bool
    /// 劳动合同开始/结束日期.
    public let contract: Bool

    public init(_ type: RegistrationType) {
        switch type {
        case .initial, .reRegistration: (qualification, contract) = (true, true)
        case .addSpecialty: (qualification, contract) = (true, false)
        case .change: (qualification, contract) = (false, true)
        case .renewal, .cancellation: (qualification, contract) = (false, false)
        }
    }
}
