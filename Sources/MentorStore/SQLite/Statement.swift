import CSQLite
public import MentorModel

/// A prepared statement. It owns its pointer and finalizes it in `deinit`.
public final class Statement {
    let handle: OpaquePointer
    let sql: String
    unowned let database: Database

    /// Prepares the first statement of `sql` and refuses any statement after it (as GRDB does):
    /// `run("A; B")` would otherwise run A alone and silently drop B.
    init(database: Database, sql: String) throws(StoreError) {
        var statement: OpaquePointer?
        var tailIsBlank = true
        let code = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(
                database.handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            if code == SQLITE_OK, let tail { tailIsBlank = Statement.isBlank(database.handle, tail) }
            return code
        }
        guard code == SQLITE_OK, let statement else {
            throw database.error(code, sql: sql)
        }
        guard tailIsBlank else {
            sqlite3_finalize(statement)
            throw StoreError(
                .sqlite(SQLITE_MISUSE),
                "internal error: more than one statement given to a single-statement call; use execute for a script",
                sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// True when `text` holds no statement, only whitespace and comments: SQLite prepares it to nothing.
    private static func isBlank(_ connection: OpaquePointer, _ text: UnsafePointer<CChar>) -> Bool {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, text, -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        return code == SQLITE_OK && statement == nil
    }

    func bind(_ arguments: [any SQLArgument]) throws(StoreError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        // Too few arguments would bind the rest as NULL, too many would be dropped: both are bugs.
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard arguments.count == expected else {
            throw StoreError(
                .sqlite(SQLITE_RANGE), "internal error: \(arguments.count) arguments for \(expected) parameters",
                sql: sql)
        }
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch argument.sqlValue {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let value): code = sqlite3_bind_int64(handle, index, value)
            case .real(let value): code = sqlite3_bind_double(handle, index, value)
            case .text(let value): code = csqlite_bind_text(handle, index, value, -1)
            }
            guard code == SQLITE_OK else { throw database.error(code, sql: sql) }
        }
    }

    /// Advances one row; false when done.
    func step() throws(StoreError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            sqlite3_reset(handle)
            throw database.error(code, sql: sql)
        }
    }

    func reset() {
        sqlite3_reset(handle)
    }

    /// The result columns in order, and whether no name is there twice: read once per statement
    /// (statements are cached and reused), kept together so a lookup checks one optional.
    private var columns: (names: [String], unique: Bool)?
    /// The column after the one asked for last: a mapper mostly reads them in the SELECT's order.
    private var nextColumn = 0

    /// The index of the result column `name`, nil if the query has none.
    func index(ofColumn name: String) -> Int32? {
        let (names, unique) = columns ?? readColumnNames()
        // Checked before hashing `name`: comparing two short strings is cheaper than a lookup. (With
        // a name twice in the result, the lookup's answer, the last, is the one that counts.)
        if unique, nextColumn < names.count, names[nextColumn] == name {
            nextColumn += 1
            return Int32(nextColumn - 1)
        }
        guard let index = columnIndexes[name] else { return nil }
        nextColumn = Int(index) + 1
        return index
    }

    private func readColumnNames() -> (names: [String], unique: Bool) {
        let names = (0..<sqlite3_column_count(handle)).map { index in
            sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
        }
        let read = (names, Set(names).count == names.count)
        columns = read
        return read
    }

    /// The leading result columns already found to be the array `begins(with:)` was last given
    /// (the same array again is recognised by its storage, without comparing names).
    private var leadingColumns: [String] = []

    /// Whether the result begins with the columns `names`, in order: compared once per statement.
    func begins(with names: [String]) -> Bool {
        if leadingColumns == names { return true }
        let all = (columns ?? readColumnNames()).names
        guard all.count >= names.count, zip(all, names).allSatisfy(==) else { return false }
        leadingColumns = names
        return true
    }

    /// By name, from the names read once; a name twice in the result maps to its last column.
    private(set) lazy var columnIndexes: [String: Int32] = Dictionary(
        (columns ?? readColumnNames()).names.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { $1 })
}

/// A view of the current row of a stepping statement; valid only inside the row closure.
public struct Row {
    let handle: OpaquePointer
    unowned let statement: Statement

    init(statement: Statement) {
        self.statement = statement
        self.handle = statement.handle
    }

    /// A `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` column that does not parse is a damaged row, not a date
    /// to guess.
    public func value<T>(_ column: Int32, as parse: (String) -> T?, _ what: String) throws(StoreError) -> T {
        guard let value = parse(string(column)) else {
            throw StoreError(.damaged, "a stored \(what) '\(string(column))' cannot be read; was it edited by hand?")
        }
        return value
    }

    /// The index of the result column `name`: a mapper reads columns by name, as GRDB does, so a
    /// column added to a SELECT cannot shift what the others mean. A name the query lacks is a bug.
    public func column(_ name: String) throws(StoreError) -> Int32 {
        guard let index = statement.index(ofColumn: name) else {
            throw StoreError(.sqlite(SQLITE_RANGE), "internal error: no column '\(name)'", sql: statement.sql)
        }
        return index
    }

    /// Checks that the result begins with the columns `names`, in order (once per statement), for a
    /// mapper that then reads them by place: a lookup by name per column and row costs more than
    /// SQLite's own work for a wide row. Other columns are a bug.
    public func begins(with names: [String]) throws(StoreError) {
        guard statement.begins(with: names) else {
            throw StoreError(
                .sqlite(SQLITE_RANGE),
                "internal error: the result does not begin with \(names.joined(separator: ", "))", sql: statement.sql)
        }
    }

    public func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    public func int(_ column: Int32) -> Int {
        Int(sqlite3_column_int64(handle, column))
    }

    public func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    public func optionalInt(_ column: Int32) -> Int? {
        isNull(column) ? nil : int(column)
    }

    public func optionalInt64(_ column: Int32) -> Int64? {
        isNull(column) ? nil : int64(column)
    }

    public func double(_ column: Int32) -> Double {
        sqlite3_column_double(handle, column)
    }

    public func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        return String(cString: text)
    }

    public func optionalString(_ column: Int32) -> String? {
        isNull(column) ? nil : string(column)
    }

    /// A `YYYY-MM-DD` column parsed straight from SQLite's bytes (no String in between).
    public func date(_ column: Int32) -> LocalDate? {
        guard let text = sqlite3_column_text(handle, column), sqlite3_column_bytes(handle, column) == 10 else {
            return nil
        }
        return LocalDate(bytes: UnsafeBufferPointer(start: text, count: 10))
    }

    /// Whether a text column holds exactly `text`, compared by bytes (no String made per row).
    public func text(_ column: Int32, is text: String) -> Bool {
        guard let stored = sqlite3_column_text(handle, column) else { return false }
        let count = Int(sqlite3_column_bytes(handle, column))
        var text = text
        return text.withUTF8 { word in
            guard word.count == count else { return false }
            var index = 0
            while index < count, word[index] == stored[index] { index += 1 }
            return index == count
        }
    }

    /// A text column read as one of `cases` (a type's `allCases`, fetched once by the caller),
    /// compared by bytes; else the error `value` gives.
    public func value<Value: RawRepresentable>(_ column: Int32, among cases: [Value], _ what: String)
        throws(StoreError) -> Value where Value.RawValue == String
    {
        for candidate in cases where text(column, is: candidate.rawValue) { return candidate }
        return try value(column, as: Value.init(rawValue:), what)
    }

    /// A `YYYY-MM-DD` column that must hold a date (`date`), else the error `value` gives.
    public func requiredDate(_ column: Int32, _ what: String) throws(StoreError) -> LocalDate {
        guard let date = date(column) else { return try value(column, as: LocalDate.init, what) }
        return date
    }

    public func bool(_ column: Int32) -> Bool {
        sqlite3_column_int64(handle, column) != 0
    }
}
