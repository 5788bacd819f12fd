import Testing

@testable import Certificates

@Suite("Terminal-safe text")
struct TerminalSafeTests {
    @Test("C0 controls, ESC sequences, DEL and C1 controls are shown escaped")
    func controls() {
        #expect(TerminalSafe.text("a\u{1B}[2Jb") == #"a\u{1B}[2Jb"#)
        #expect(TerminalSafe.text("\u{0}\u{7}\t\n\r") == #"\u{0}\u{7}\u{9}\u{A}\u{D}"#)
        #expect(TerminalSafe.text("x\u{7F}y") == #"x\u{7F}y"#)
        #expect(TerminalSafe.text("\u{80}\u{85}\u{9B}31m\u{9F}") == #"\u{80}\u{85}\u{9B}31m\u{9F}"#)
        for value: UInt32 in Array(0x00...0x1F) + Array(0x7F...0x9F) {
            #expect(TerminalSafe.kind(of: Unicode.Scalar(value)!) == .control, "U+\(value)")
        }
    }

    @Test("bidi embeddings, overrides, isolates and marks are shown escaped")
    func bidi() {
        let values: [UInt32] = [
            0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C,
        ]
        for value in values {
            let scalar = Unicode.Scalar(value)!
            #expect(TerminalSafe.kind(of: scalar) == .bidi)
            #expect(
                TerminalSafe.text("a\(Character(scalar))b") == "a\\u{\(String(value, radix: 16, uppercase: true))}b")
        }
        #expect(TerminalSafe.text("Max \u{202E}nnamretsuM") == #"Max \u{202E}nnamretsuM"#)
    }

    @Test("line and paragraph separators are shown escaped")
    func separators() {
        #expect(TerminalSafe.kind(of: "\u{2028}") == .separator)
        #expect(TerminalSafe.kind(of: "\u{2029}") == .separator)
        #expect(TerminalSafe.text("Kurs\u{2028}verdict: valid\u{2029}") == #"Kurs\u{2028}verdict: valid\u{2029}"#)
    }

    @Test("zero-width characters are shown escaped")
    func zeroWidth() {
        for value: UInt32 in [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF] {
            #expect(TerminalSafe.kind(of: Unicode.Scalar(value)!) == .zeroWidth)
        }
        #expect(TerminalSafe.text("Ad\u{200B}min\u{FEFF}") == #"Ad\u{200B}min\u{FEFF}"#)
    }

    @Test("letters of every script, umlauts, dashes and spaces pass unchanged")
    func ordinaryText() {
        for text in [
            "Łukasz Żółć", "Ελένη Παπαδοπούλου", "Jürgen Weißmüller", "محمد", "李小龍", "2026-09-01 – 2026-11-30 — x",
            "Nguyễn Văn A", "C:\\Pfad (80 %)", "a\u{A0}b", "a\u{2027}b",
        ] {
            #expect(TerminalSafe.text(text) == text)
        }
    }

    @Test("the result holds no unsafe character, and escaping twice changes nothing")
    func idempotent() {
        let hostile = "\u{1B}]0;title\u{7}\u{9B}2J\u{202E}\u{2066}\u{2028}\u{200D}\u{FEFF}Ende"
        let safe = TerminalSafe.text(hostile)
        #expect(!safe.unicodeScalars.contains { TerminalSafe.kind(of: $0) != nil })
        #expect(TerminalSafe.text(safe) == safe)
        #expect(safe.hasSuffix("Ende"))
    }

    @Test("a character is described by its code point and Unicode name")
    func describe() {
        #expect(TerminalSafe.describe("\u{202E}") == "U+202E (RIGHT-TO-LEFT OVERRIDE)")
        #expect(TerminalSafe.describe("\u{2028}") == "U+2028 (LINE SEPARATOR)")
        #expect(TerminalSafe.describe("\u{200B}") == "U+200B (ZERO WIDTH SPACE)")
        #expect(TerminalSafe.describe("\u{1B}") == "U+001B (a control character)")
    }
}
