/// The placeholders `{{id}}` that mark the gaps of a cloze item's stem.
public enum ClozeText {
    /// Gap ids referenced in `stem`, in order of appearance (repeats included).
    public static func placeholders(in stem: String) -> [String] {
        var names: [String] = []
        var rest = stem[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = rest[open.upperBound..<close.lowerBound]
            if NodeReader.isIdentifier(String(name)) {
                names.append(String(name))
                rest = rest[close.upperBound...]
            } else {
                rest = rest[open.upperBound...]
            }
        }
        return names
    }

    /// The placeholder text for gap `id`.
    public static func placeholder(_ id: String) -> String { "{{\(id)}}" }
}
