import Foundation

/// A bank import setting that cannot be used, naming the setting and what is wrong with its value.
public struct BankImportSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The settings a user gives.
    public enum Setting: String, Sendable, Equatable, CaseIterable {
        case id, title, language, provider, version
    }
    /// The setting at fault.
    public let setting: Setting
    /// What is wrong, following the setting's name: `'x y' must be 1 to 64 letters, …`, `is empty`.
    public let message: String

    /// Creates an error.
    public init(setting: Setting, message: String) {
        self.setting = setting
        self.message = message
    }

    /// `setting message`, e.g. `title is empty`.
    public var description: String { "\(setting.rawValue) \(message)" }
}

extension BankImportSettings {
    /// Checks the given settings before anything is imported.
    ///
    /// The id must be 1 to 64 letters, digits, `-`, `_` or `.` (what a bank id may be); the language a
    /// language tag such as `de` or `de-AT`; title, provider and version must not be blank. A setting not
    /// given is not checked (its default comes from the source).
    ///
    /// - Throws: the first problem, in the order id, language, title, provider, version.
    public func validate() throws(BankImportSettingsError) {
        if let id, id.isEmpty || IdentifierMaker.sanitized(id) != id {
            throw BankImportSettingsError(
                setting: .id, message: "'\(id)' must be 1 to 64 letters, digits, '-', '_' or '.'")
        }
        if let language, language.wholeMatch(of: /[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*/) == nil {
            throw BankImportSettingsError(
                setting: .language, message: "'\(language)' is not a language tag such as 'de' or 'en'")
        }
        let texts: [(BankImportSettingsError.Setting, String?)] = [
            (.title, title), (.provider, provider), (.version, version),
        ]
        for (setting, value) in texts {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw BankImportSettingsError(setting: setting, message: "is empty")
            }
        }
    }
}
