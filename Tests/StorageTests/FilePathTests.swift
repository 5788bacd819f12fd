import CampusCore
import Testing

@Suite("Paths as text")
struct FilePathTests {
    @Test(
        "the folder of a path, as NSString would say, without its trap on one-character names",
        arguments: [
            ("k", ""), ("ab", ""), ("/k", "/"), ("a/k", "a"), ("a/b/c.pdf", "a/b"), ("a/b/", "a"), ("/", "/"),
            ("a//k", "a"), ("./k", "."), ("", ""),
        ])
    func folder(path: String, expected: String) {
        #expect(FilePath.folder(of: path) == expected)
    }
}
