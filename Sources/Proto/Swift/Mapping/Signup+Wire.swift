public import Model

extension Wire.Enterprise.SignupState {
    public init(_ s: SignupState) {
        self.init(enterpriseID: s.enterpriseID, creditCode: s.creditCode, name: s.name, provinceCode: s.provinceCode,
                  status: .init(s.status), method: s.method.map(Wire.Enterprise.AuthenticationMethod.init) ?? .unspecified,
                  administratorAccount: s.administratorAccount ?? "", businessLicenceUploaded: s.licenceUploaded,
                  qualificationCertificateUploaded: s.qualificationUploaded, contactBound: s.contactBound,
                  returnReason: s.returnReason ?? "", otherSignups: UInt32(clamping: s.otherSignups),
                  info: s.info.map(Wire.Enterprise.EnterpriseBasicInfo.init), administratorName: s.administratorName ?? "",
                  businessLicenceSha256: s.licenceSHA256 ?? "", qualificationCertificateSha256: s.qualificationSHA256 ?? "")
    }
}

extension Wire.Enterprise.EnterpriseBasicInfo {
    public init(_ i: EnterpriseBasicInfo) {
        self.init(creditCode: i.creditCode, name: i.name, legalRepresentative: i.legalRepresentative, enterpriseType: i.enterpriseType,
                  economicNature: i.economicNature, registeredAddress: i.registeredAddress, correspondenceAddress: i.correspondenceAddress,
                  postcode: i.postcode, contact: i.contact, contactPhone: i.contactPhone,
                  qualificationCertificateNo: i.qualificationCertificateNo, provinceCode: i.provinceCode)
    }
}

/// Step-1 corrections by field name, naming the unknown ones.
public func signupInfoChanges(_ values: [Wire.Enterprise.FieldValue]) throws(RegistryError) -> [SignupInfoField: String] {
    var out: [SignupInfoField: String] = [:]
    var v = Violations()
    for (i, f) in values.enumerated() {
        guard let field = SignupInfoField(rawValue: f.field) else {
            v.add("changes[\(i)].field", .notEditableField, "\(f.field)")
            continue
        }
        if out[field] != nil { v.add("changes[\(i)].field", .listedTwice) }
        out[field] = f.value
    }
    try v.throwIfAny()
    return out
}

extension Wire.Enterprise.SignupStatus {
    public init(_ s: SignupStatus) {
        switch s {
        case .draft: self = .draft
        case .pending: self = .pendingAuthentication
        case .authenticated: self = .authenticated
        case .returned: self = .returned
        }
    }
}

extension Wire.Enterprise.AuthenticationMethod {
    public init(_ m: AuthenticationMethod) {
        switch m {
        case .identityLock: self = .identityLock
        case .onSite: self = .onSite
        case .onSiteAssociated: self = .onSiteAssociated
        }
    }
}

extension EnterpriseBasicInfo {
    public init(_ w: Wire.Enterprise.EnterpriseBasicInfo) {
        self.init(creditCode: w.creditCode, name: w.name, legalRepresentative: w.legalRepresentative, enterpriseType: w.enterpriseType,
                  economicNature: w.economicNature, registeredAddress: w.registeredAddress, correspondenceAddress: w.correspondenceAddress,
                  postcode: w.postcode, contact: w.contact, contactPhone: w.contactPhone,
                  qualificationCertificateNo: w.qualificationCertificateNo, provinceCode: w.provinceCode)
    }
}
