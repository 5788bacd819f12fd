import Foundation

/// Readable messages for JSON and YAML decoding errors, shared by every file format of the project.
public enum DecodingProblem {
    /// `field: what is wrong` for a decoding error, the field as a path like `learners[2].points`.
    public static func describe(_ error: DecodingError, droppingPrefix prefix: String = "") -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            if text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
            if text.hasPrefix(".") { text.removeFirst() }
            return text.isEmpty ? "file" : text
        }
        func expected(_ type: Any.Type) -> String {
            switch type {
            case is Decimal.Type, is Int.Type, is Double.Type: "a number"
            case is String.Type: "text"
            case is Bool.Type: "true or false"
            default: "\(type)".hasPrefix("Array") ? "a list" : "an object"
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(expected(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): missing value, expected \(expected(type))"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
