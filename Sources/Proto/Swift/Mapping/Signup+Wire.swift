public import Model

extension Wire.Enterprise.SignupState {
    public init(_ s: SignupState) {
        self.init(enterpriseID: s.enterpriseID, creditCode: s.creditCode, name: s.name, provinceCode: s.provinceCode,
                  status: .init(s.status), method: s.method.map(Wire.Enterprise.AuthenticationMethod.init) ?? .unspecified,
                  administratorAccount: s.administratorAccount ?? "", businessLicenceUploaded: s.licenceUploaded,
                  qualificationCertificateUploaded: s.qualificationUploaded, contactBound: s.contactBound,
                  returnReason: s.returnReason ?? "", otherSignups: UInt32(clamping: s.otherSignups))
    }
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
