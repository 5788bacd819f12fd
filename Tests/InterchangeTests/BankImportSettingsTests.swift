import Interchange
import Testing

@Suite("bank import settings are checked before anything is imported")
struct BankImportSettingsTests {
    func problem(_ settings: BankImportSettings) -> BankImportSettingsError? {
        do {
            try settings.validate()
            return nil
        } catch {
            return error
        }
    }

    @Test("settings not given, and good ones, pass")
    func good() {
        #expect(problem(BankImportSettings()) == nil)
        #expect(
            problem(
                BankImportSettings(
                    id: "dsgvo-2026.v1", title: "Datenschutz", language: "de-AT", provider: "HföV", version: "1.0.0"))
                == nil)
    }

    @Test("an id that is not a bank id names the id")
    func badID() {
        #expect(
            problem(BankImportSettings(id: "a b"))
                == BankImportSettingsError(
                    setting: .id, message: "'a b' must be 1 to 64 letters, digits, '-', '_' or '.'"))
        #expect(problem(BankImportSettings(id: ""))?.setting == .id)
        #expect(problem(BankImportSettings(id: String(repeating: "x", count: 65)))?.setting == .id)
    }

    @Test("a language that is not a language tag is refused")
    func badLanguage() {
        let error = problem(BankImportSettings(language: "deutsch!"))
        #expect(error?.setting == .language)
        #expect(error?.message == "'deutsch!' is not a language tag such as 'de' or 'en'")
        #expect(error?.description == "language 'deutsch!' is not a language tag such as 'de' or 'en'")
    }

    @Test("a blank title, provider or version is empty, checked in that order after id and language")
    func blank() {
        #expect(
            problem(BankImportSettings(title: "  ")) == BankImportSettingsError(setting: .title, message: "is empty"))
        #expect(problem(BankImportSettings(provider: "\t"))?.setting == .provider)
        #expect(problem(BankImportSettings(version: ""))?.setting == .version)
        #expect(problem(BankImportSettings(title: "", provider: ""))?.setting == .title)
        #expect(problem(BankImportSettings(id: "a b", title: "", language: "?"))?.setting == .id)
        #expect(problem(BankImportSettings(title: "", language: "?"))?.setting == .language)
    }
}
