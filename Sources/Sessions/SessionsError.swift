import Foundation
import GRDB

/// Every error the Sessions library throws. Messages name the file and what to do about it.
public enum SessionsError: Error, Equatable, Sendable {
    /// The file exists but is not an SQLite database (for example random bytes or another format).
    case notADatabase(path: String)
    /// The file is an SQLite database whose content is damaged.
    case corrupt(path: String, detail: String)
    /// The file is an SQLite database that Duet did not create (it has tables but no Duet schema version).
    case notADuetDatabase(path: String)
    /// The database was written by a newer Duet; it was left untouched.
    case newerSchema(path: String, found: Int, supported: Int)
    /// The database needs a migration but was opened read-only.
    case olderSchema(path: String, found: Int, supported: Int)
    /// Writing was requested but the file (or its directory) is read-only.
    case readOnly(path: String)
    /// The file does not exist (read-only access never creates one).
    case fileNotFound(path: String)
    /// The file could not be opened (missing directory, permissions, path is a directory...).
    case cannotOpen(path: String, detail: String)
    /// The store was closed; open it again to go on.
    case closed(path: String)
    /// Another process held the database lock longer than the busy timeout.
    case busy(path: String)
    /// A record referred to by id does not exist.
    case notFound(kind: String, id: Int64)
    /// An argument breaks a rule of the store (for example an invalid status transition).
    case invalidArgument(String)
    /// A stored value could not be decoded (for example malformed JSON in a column).
    case invalidStoredValue(table: String, column: String, detail: String)
    /// Any other SQLite error, with SQLite's result code and message.
    case database(path: String, code: Int32, message: String)
}

extension SessionsError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .notADatabase(let path):
            return "\(path) is not a Duet database: it is not an SQLite file (random bytes or another format). Move it away or pass another --db."
        case .corrupt(let path, let detail):
            return "\(path) is damaged (\(detail)). Restore a backup or move it away; Duet will create a new one."
        case .notADuetDatabase(let path):
            return "\(path) is an SQLite database that Duet did not create; refusing to modify it. Pass another --db."
        case .newerSchema(let path, let found, let supported):
            return "\(path) was written by a newer Duet (schema version \(found); this Duet knows up to \(supported)). Upgrade Duet; the file was not modified."
        case .olderSchema(let path, let found, let supported):
            return "\(path) has schema version \(found) but this Duet needs \(supported); open it once with write access to migrate it."
        case .readOnly(let path):
            return "\(path) is read-only: Duet cannot write to it. Fix its permissions or open it read-only."
        case .fileNotFound(let path):
            return "\(path) does not exist."
        case .cannotOpen(let path, let detail):
            return "cannot open \(path): \(detail)"
        case .closed(let path):
            return "\(path): this handle of the database was closed."
        case .busy(let path):
            return "\(path) is locked by another process for longer than the busy timeout; try again."
        case .notFound(let kind, let id):
            return "no \(kind) with id \(id)"
        case .invalidArgument(let message):
            return message
        case .invalidStoredValue(let table, let column, let detail):
            return "invalid value in \(table).\(column): \(detail)"
        case .database(let path, let code, let message):
            return "SQLite error \(code) on \(path): \(message)"
        }
    }

    public var errorDescription: String? { description }
}

extension SessionsError {
    /// Maps any error raised while talking to SQLite onto a ``SessionsError`` for `path`.
    static func wrap(_ error: any Error, path: String) -> SessionsError {
        if let error = error as? SessionsError { return error }
        guard let error = error as? DatabaseError else {
            return .database(path: path, code: -1, message: String(describing: error))
        }
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB: return .notADatabase(path: path)
        case .SQLITE_CORRUPT: return .corrupt(path: path, detail: message)
        case .SQLITE_READONLY, .SQLITE_PERM: return .readOnly(path: path)
        case .SQLITE_CANTOPEN: return .cannotOpen(path: path, detail: message)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
        default: return .database(path: path, code: error.extendedResultCode.rawValue, message: message)
        }
    }
}
