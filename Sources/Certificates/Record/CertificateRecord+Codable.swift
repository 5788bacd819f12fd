import Assessment

// The stored form of a record (for a database or a registry), not the signed canonical form
// (``CertificateRecord/canonicalJSON``): numbers are exact strings ("58.5", "1/3"), never JSON numbers,
// and a decoded record is checked with ``CertificateRecord/validate()``, so a stored record that
// contradicts the rules (a scored tier without a score, a bad id or date) is refused, never trusted.

extension CertificateRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, holder, course, tier, score, issued, language, issuer, validUntil
    }

    /// Reads a stored record and checks it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id),
            holder: try container.decode(Holder.self, forKey: .holder),
            course: try container.decode(Course.self, forKey: .course),
            tier: try container.decode(Tier.self, forKey: .tier),
            score: try container.decodeIfPresent(Score.self, forKey: .score),
            issued: try container.decode(String.self, forKey: .issued),
            language: try container.decode(Language.self, forKey: .language),
            issuer: try container.decode(String.self, forKey: .issuer),
            validUntil: try container.decodeIfPresent(String.self, forKey: .validUntil))
        do {
            try validate()
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "a stored certificate record: \(error.reason)"))
        }
    }

    /// Writes the record's stored form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(holder, forKey: .holder)
        try container.encode(course, forKey: .course)
        try container.encode(tier, forKey: .tier)
        try container.encodeIfPresent(score, forKey: .score)
        try container.encode(issued, forKey: .issued)
        try container.encode(language, forKey: .language)
        try container.encode(issuer, forKey: .issuer)
        try container.encodeIfPresent(validUntil, forKey: .validUntil)
    }
}
