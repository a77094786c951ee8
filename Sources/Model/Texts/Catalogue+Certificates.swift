extension Catalogue {
    /// Certificate lookup: public verification by 注册编号 and name, and its budget.
    static let certificates: [TextCode: Entry] = [
        .certificateLookupNotFound: .init("没有找到注册编号为 {1}、姓名与之相符的证书（请核对注册编号和持证人姓名）",
                                          "no certificate found for registration number {1} with that name (check the number and the holder's name)"),
        .certificateLookupForm: .init("请给出证书查验标识，或给出注册编号和持证人姓名，二者选一",
                                      "give either the certificate identifier, or the registration number with the holder's name, not both"),
        .sourceLookups: .init("来自您地址的证书查询过多，请一分钟后再试", "too many certificate look-ups from your address; try again in a minute"),
    ]
}
