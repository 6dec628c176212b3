import MentorModel

/// What is wrong with a CSV file, and on which physical line (the header is line 1).
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, _ reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// Reads the CSV files that leaders export from spreadsheets.
///
/// UTF-8 with or without a BOM, else Windows-1252 (Danish Excel's "CSV (semikolonsepareret)");
/// the separator (`,` or `;`) is detected from the header; fields may be quoted, with separators,
/// doubled quotes and line breaks inside. Each record keeps the physical line it starts on.
public struct CSVFile: Sendable {
    public struct Record: Sendable {
        public var line: Int
        public var fields: [String]
    }

    public var header: [String]
    public var records: [Record]
    public var separator: Character
    /// True when the bytes were not UTF-8 and were read as Windows-1252.
    public var readAsWindows1252: Bool

    public init(bytes: [UInt8]) throws(CSVError) {
        var payload = bytes[...]
        if payload.starts(with: [0xEF, 0xBB, 0xBF]) { payload = payload.dropFirst(3) }
        var text: String
        if let utf8 = String(validating: payload, as: UTF8.self) {
            text = utf8
            readAsWindows1252 = false
        } else {
            text = CSVFile.decodeWindows1252(payload)
            readAsWindows1252 = true
        }
        if text.unicodeScalars.contains("\0") {
            throw CSVError(line: 1, "the file contains NUL bytes; it is not a text CSV file")
        }
        text = text.replacingCRLF()
        let headerLine = text.prefix { $0 != "\n" }
        let semicolons = headerLine.filter { $0 == ";" }.count
        let commas = headerLine.filter { $0 == "," }.count
        separator = semicolons > commas ? ";" : ","
        var rows = try CSVFile.parse(text, separator: separator)
        guard !rows.isEmpty else { throw CSVError(line: 1, "the file is empty; it needs a header line") }
        let first = rows.removeFirst()
        header = first.fields.map { $0.trimmingSpaces().lowercased() }
        // Blank lines, and the `;;;;` rows Excel leaves where cells were cleared, are no records.
        records = rows.filter { $0.fields.contains { !$0.trimmingSpaces().isEmpty } }
    }

    /// Splits `text` into records: a quote opens a quoted field, two quotes inside one are a quote,
    /// a line break inside quotes is part of the field (and still counts as a line).
    static func parse(_ text: String, separator: Character) throws(CSVError) -> [Record] {
        var scanner = CSVScanner(separator: separator)
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            guard scanner.inQuotes else {
                try scanner.unquoted(character)
                continue
            }
            guard character == "\"" else {
                scanner.quoted(character)
                continue
            }
            // A quote in quotes: doubled, it is a quote; else it closes the field.
            let following = iterator.next()
            if following == "\"" {
                scanner.field.append("\"")
            } else {
                scanner.inQuotes = false
                pending = following
            }
        }
        return try scanner.finish()
    }

    /// Windows-1252: Latin-1 with printable characters in 0x80-0x9F.
    static func decodeWindows1252(_ bytes: ArraySlice<UInt8>) -> String {
        let high: [UInt32] = [
            0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
            0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
            0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
        ]
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = (0x80...0x9F).contains(byte) ? high[Int(byte) - 0x80] : UInt32(byte)
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    /// The column names leaders write in Danish spreadsheets, by the name the program uses.
    public static let danishNames: [String: String] = [
        "navn": "name", "rolle": "role", "e-mail": "email", "telefon": "phone", "mobil": "phone",
        "fødselsdato": "birthdate", "kanaler": "channels", "sprog": "lang", "børneattest": "certificate",
        "mentor": "mentor_ref", "mentee": "mentee_ref", "slut": "end", "dato": "date", "minutter": "minutes",
        "type": "kind",
    ]

    /// The index of each column by the name the program uses (a Danish name counts as its English
    /// one); a column without a name is left out. Unknown or duplicate names and missing required
    /// ones are errors that name the column as the file writes it.
    public func columns(required: [String], optional: [String]) throws(CSVError) -> [String: Int] {
        let known = required + optional
        var index: [String: Int] = [:]
        for (position, written) in header.enumerated() where !written.isEmpty {
            let name = known.contains(written) ? written : CSVFile.danishNames[written] ?? written
            guard known.contains(name) else {
                throw CSVError(
                    line: 1, "unknown column '\(written)'; the columns are \(known.joined(separator: ","))")
            }
            if let first = index[name] {
                let also = header[first] == written ? "" : " (as '\(header[first])')"
                throw CSVError(line: 1, "column '\(written)' appears twice\(also)")
            }
            index[name] = position
        }
        for name in required where index[name] == nil {
            throw CSVError(line: 1, "the required column '\(name)' is missing")
        }
        return index
    }

    /// The first value in a column the header gives no name, if any (nothing would read it).
    public func unnamedValue(in record: Record) -> Int? {
        record.fields.indices.first { index in
            (index >= header.count || header[index].isEmpty) && !record.fields[index].trimmingSpaces().isEmpty
        }
    }
}

extension String {
    func replacingCRLF() -> String {
        // Swift treats "\r\n" as one Character; split on it and on lone CR too.
        var result = ""
        result.reserveCapacity(utf8.count)
        for character in self {
            if character == "\r\n" || character == "\r" {
                result.append("\n")
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// Where reading a CSV file stands: the record and field being built, the line, the quoting.
struct CSVScanner {
    let separator: Character
    var records: [CSVFile.Record] = []
    var fields: [String] = []
    var field = ""
    var line = 1
    var recordLine = 1
    var inQuotes = false
    var fieldWasQuoted = false

    init(separator: Character) {
        self.separator = separator
    }

    /// A character inside quotes (not a quote).
    mutating func quoted(_ character: Character) {
        if character == "\n" { line += 1 }
        field.append(character)
    }

    /// A character outside quotes.
    mutating func unquoted(_ character: Character) throws(CSVError) {
        switch character {
        case "\"":
            guard field.trimmingSpaces().isEmpty && !fieldWasQuoted else {
                throw CSVError(line: line, "a quote inside an unquoted field; put the whole field in quotes")
            }
            field = ""
            inQuotes = true
            fieldWasQuoted = true
        case separator:
            fields.append(field)
            field = ""
            fieldWasQuoted = false
        case "\n":
            endRecord()
            line += 1
            recordLine = line
        default:
            if fieldWasQuoted && character != " " {
                throw CSVError(line: line, "text after a closing quote; put the whole field in quotes")
            }
            if !fieldWasQuoted { field.append(character) }
        }
    }

    private mutating func endRecord() {
        fields.append(field)
        records.append(CSVFile.Record(line: recordLine, fields: fields))
        fields = []
        field = ""
        fieldWasQuoted = false
    }

    /// The records, the last one too when the file does not end with a line break.
    mutating func finish() throws(CSVError) -> [CSVFile.Record] {
        if inQuotes {
            throw CSVError(line: recordLine, "a quoted field is not closed before the end of the file")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}
