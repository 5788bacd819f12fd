import Foundation
import Testing

@testable import Assessment

@Suite("Bank validator: cloze and weighted answers")
struct ClozeReaderTests {
    private func problems(_ body: String) -> [String] {
        readBank(validHeader + body).problems.map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test("every gap appears once in the stem and every placeholder names a gap")
    func placeholders() {
        #expect(
            problems(
                """
                  - id: q1
                    type: cloze
                    topic: t
                    points: 1
                    stem: "A {{g1}} B {{g1}} C {{g9}}"
                    gaps:
                      - { id: g1, type: text, accepted: [x] }
                      - { id: g2, type: text, accepted: [y] }
                """)
                == [
                    "11:11: gap '{{g1}}' appears 2 times in the stem; each gap appears once",
                    "11:11: the stem refers to gap '{{g9}}', which is not in 'gaps'",
                    "14:9: gap 'g2' does not appear in the stem as {{g2}}",
                ])
    }

    @Test("bad gap types, weights and credits are reported where they are")
    func badGaps() {
        #expect(
            problems(
                """
                  - id: q1
                    type: cloze
                    topic: t
                    points: 1
                    stem: "A {{g1}} B {{g2}} C {{g3}}"
                    gaps:
                      - { id: g1, type: slider }
                      - { id: g2, type: text, weight: 0, accepted: [y] }
                      - { id: g3, type: choice, options: [{ id: a, text: A, credit: viel }, { id: b, text: B }], answer: a }
                """)
                == [
                    "13:25: unknown gap type 'slider' (expected choice, text or numeric)",
                    "14:39: weight '0' must be a number greater than 0 and at most 1000",
                    "15:69: credit 'viel' must be a number or fraction between -1000 and 1000 (1 = full points)",
                ])
    }

    @Test("numeric items take either answer or answers")
    func numericAnswers() {
        #expect(
            problems(
                "  - { id: q1, type: numeric, topic: t, points: 1, stem: A, answer: 1, answers: [{ value: 2 }] }\n")
                == ["7:68: give either 'answer' or 'answers', not both"])
    }
}
