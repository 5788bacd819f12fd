public import CampusCore

/// An error of the interchange library: importing, exporting or zipping a bank.
public typealias InterchangeError = CampusError<InterchangeErrorDomain>

/// A bank cannot be written as QTI (code ``CampusError/Code/qtiExport``).
public typealias QTIExportError = InterchangeError

/// Writing a zip archive in memory failed (code ``CampusError/Code/zipWrite``).
public typealias ZipWriteFailed = InterchangeError

/// The codes of ``InterchangeError`` and ``ImportFailure``.
public enum InterchangeErrorDomain: ErrorDomain {
    /// `interchange`.
    public static let name = "interchange"
}

extension CampusError.Code where Domain == InterchangeErrorDomain {
    /// An import source cannot be read at all: not well-formed in its format, too large, or unsafe
    /// (``ImportFailure``).
    public static var unreadableSource: Self { Self("unreadableSource") }
    /// A bank cannot be written as QTI: a text holds characters XML cannot carry, an image is missing, or a
    /// number cannot be written exactly.
    public static var qtiExport: Self { Self("qtiExport") }
    /// libzip could not build an archive in memory (out of memory).
    public static var zipWrite: Self { Self("zipWrite") }
}

extension CampusError where Domain == InterchangeErrorDomain {
    /// The zip-writing failure, made at `file`/`line`.
    static func zipWriteFailed(file: String = #fileID, line: UInt = #line) -> Self {
        Self(.zipWrite, "the zip archive could not be written", file: file, line: line)
    }
}
