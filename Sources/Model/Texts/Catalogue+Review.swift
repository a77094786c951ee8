extension Catalogue {
    /// Review.
    static let review: [TextCode: Entry] = [
        .onlyAwaitingProvinceAccept: .init("只有待省级审查的申请可以审查通过（当前状态：{1}）", "only an application under provincial review can be accepted (it is {1})"),
        .onlyAwaitingProvinceReturn: .init("只有待省级审查的申请可以退回（当前状态：{1}）", "only an application under provincial review can be returned (it is {1})"),
        .onlyAwaitingProvinceRefuse: .init("只有待省级审查的申请可以不予受理（当前状态：{1}）", "only an application under provincial review can be refused (it is {1})"),
    ]
}
