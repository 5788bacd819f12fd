/// Paths as text, without Foundation's `NSString` path methods (swift-corelibs-foundation traps in
/// `deletingLastPathComponent` on a one-character path such as `k`).
public enum FilePath {
    /// The folder part of `path`: everything before its last `/` (trailing slashes ignored), `/` for a path in the
    /// root, and `""` for a bare name — as `NSString.deletingLastPathComponent` answers.
    public static func folder(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        guard slash != trimmed.startIndex else { return "/" }
        var folder = trimmed[..<slash]
        while folder.count > 1, folder.hasSuffix("/") { folder.removeLast() }
        return String(folder)
    }
}
