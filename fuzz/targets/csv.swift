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
    _ = try? csv.columns(required: ["ref", "role", "name"], optional: ["email", "phone"])
    return 0
}
