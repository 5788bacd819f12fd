import Assessment
import Foundation
import Testing

@Suite("campus quiz with cloze and essay items")
struct QuizClozeEssayTests {
    @Test("cloze gaps are answered in one line; an essay waits for a grader")
    func clozeAndEssay() throws {
        let folder = try Campus.temporaryFolder()
        let cloze = folder.appendingPathComponent("cloze.yaml")
        try """
        id: cloze-bank
        title: Lückentext
        language: de
        provider: Test
        version: "1"
        items:
          - id: c1
            type: cloze
            topic: t
            points: 3
            stem: "Die {{art}} wird nach {{frist}} Jahren {{was}}."
            gaps:
              - { id: art, type: choice, options: [{ id: akte, text: Akte }, { id: mail, text: E-Mail }], answer: akte }
              - { id: frist, type: numeric, answer: 10 }
              - { id: was, type: text, accepted: [ausgesondert] }
        """.write(to: cloze, atomically: true, encoding: .utf8)
        let result = try Campus.run(["quiz", cloze.path, "--seed", "s"], input: "ß; 10; x\nA; 10,0; Ausgesondert\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Die [1] wird nach [2] Jahren [3]."))
        #expect(result.stdout.contains("[1] A) Akte   B) E-Mail"))
        #expect(result.stdout.contains("Antworten für alle Lücken durch ; getrennt"))
        #expect(result.stdout.contains("✓ Richtig (3/3)"))

        let essay = folder.appendingPathComponent("essay.yaml")
        try """
        id: essay-bank
        title: Freitext
        language: de
        provider: Test
        version: "1"
        items:
          - { id: e1, type: essay, topic: t, points: 2, stem: Begründen Sie. }
        """.write(to: essay, atomically: true, encoding: .utf8)
        let essayRun = try Campus.run(["quiz", essay.path, "--seed", "s"], input: "Weil es schneller geht.\n")
        #expect(essayRun.status == 0)
        #expect(essayRun.stdout.contains("Nicht bewertet: Freitext zählt im Selbsttest nicht zur Summe."))
        #expect(essayRun.stdout.contains("Ergebnis: 0 von 0 Punkten"), "a self-test does not count an essay")
    }
}
