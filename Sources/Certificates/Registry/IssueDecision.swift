import Assessment

/// What to do for one learner when certificates are issued again for a course: the rule shared by the
/// command line and the web service.
///
/// The learner's *current* certificate is the newest registry entry for the course that is not
/// superseded (by the status list, or else by the registry). Then:
/// - none: issue one (`issue`);
/// - revoked: refuse (`refuseRevoked`), unless the issuer names that very id to reissue (`reissue`);
/// - standing, and a higher tier is now met: issue a new one and supersede the old (`upgrade`);
/// - standing, at the same or a higher tier than now met: keep it (`keep`). A lower result never
///   withdraws a certificate already issued; withdrawing is an explicit revocation.
public enum IssueDecision: Sendable, Equatable {
    /// The learner holds no certificate for the course: issue one.
    case issue
    /// The learner keeps this certificate; nothing is issued.
    case keep(CertificateRegistry.Entry)
    /// Issue a certificate at the higher tier and mark this one superseded by it.
    case upgrade(supersede: CertificateRegistry.Entry)
    /// This certificate was revoked; nothing is issued.
    case refuseRevoked(CertificateRegistry.Entry)
    /// This certificate was revoked and the issuer asked to reissue it: issue a new one.
    case reissue(revoked: CertificateRegistry.Entry)

    /// The decision for a learner holding `held` (registry entries for this learner and course, oldest
    /// first) who now meets `earned`. `status` gives the status list's entry for an id; `reissue` is the
    /// id of a revoked certificate the issuer asked to reissue.
    public static func decide(
        held: [CertificateRegistry.Entry], status: (String) -> StatusList.Entry?, earned: Tier, reissue: String?
    ) -> IssueDecision {
        func standing(_ entry: CertificateRegistry.Entry) -> CertificateRegistry.State {
            switch status(entry.id)?.status {
            case .revoked?: .revoked
            case .superseded?: .superseded
            case nil: entry.state
            }
        }
        guard let current = held.last(where: { standing($0) != .superseded }) else { return .issue }
        switch standing(current) {
        case .revoked:
            return reissue == current.id ? .reissue(revoked: current) : .refuseRevoked(current)
        case .issued, .superseded:
            return earned > current.tier ? .upgrade(supersede: current) : .keep(current)
        }
    }
}
