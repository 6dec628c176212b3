// The CSV reader (`import`).

let readers = Reader.each("csv", WorstInput.csv) { (try? CSVFile(bytes: $0))?.records.count ?? -1 }
