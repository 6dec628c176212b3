// Fuzz target: the CSV reader never crashes, and what it reads is consistent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let csv = try? CSVFile(bytes: bytes) else { return 0 }
    var previous = 1
    for record in csv.records {
        // Physical line numbers only grow, and start after the header.
        precondition(record.line > previous || (record.line == previous && previous == 1) || record.line >= 2)
        precondition(record.line >= previous)
        previous = record.line
    }
    for record in csv.records {
        // Rows of empty cells are no records.
        precondition(record.fields.contains { !$0.trimmingSpaces().isEmpty })
        if let stray = csv.unnamedValue(in: record) {
            precondition(stray >= csv.header.count || csv.header[stray].isEmpty)
        }
    }
    // Danish and English names, each column at most once, and only the names asked for.
    let known = ["ref", "role", "name", "email", "phone", "birthdate", "mentor_ref", "end", "date"]
    if let columns = try? csv.columns(required: ["ref", "role", "name"], optional: Array(known.dropFirst(3))) {
        precondition(Set(columns.values).count == columns.count && columns.keys.allSatisfy(known.contains))
    }
    // Cells are what spreadsheets write dates in.
    for field in csv.records.first?.fields ?? [] { _ = try? Validate.spreadsheetDate(field) }
    return 0
}
