extension Catalogue {
    /// Refusals of the access table for methods open to more than one kind of caller (the
    /// single-kind refusals keep their own texts in ``access``).
    static let accessTable: [TextCode: Entry] = [
        .accessLoginFirst: .init("请先登录", "log in first"),
        .accessNotForCaller: .init("当前身份无权调用此方法", "this kind of caller may not call this method"),
    ]
}
