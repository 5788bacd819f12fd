import Testing

@testable import campus

@Suite("campus reads the certificate fonts from files")
struct CertificateFontFilesTests {
    @Test("a folder without the fonts is an error naming the missing file")
    func missingFolder() {
        #expect {
            try IssueCommand.certificateFonts(directory: "/nonexistent-fonts")
        } throws: { error in
            "\(error)" == "/nonexistent-fonts/DejaVuSerif.ttf: no such file"
        }
    }

    @Test("the Debian fonts are read with their paths as names")
    func debianFonts() throws {
        let fonts = try IssueCommand.certificateFonts()
        #expect(fonts.serifName == "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
        #expect(fonts.sansName == "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        #expect(fonts.serif.starts(with: [0, 1, 0, 0]) && fonts.sans.starts(with: [0, 1, 0, 0]))
    }
}
