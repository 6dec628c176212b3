import TestSupport
import Testing

@testable import MentorStore

/// The CSV reader given each of its worst inputs at 256 KiB (WorstInput.csv): a quadratic path
/// would take minutes there and fail at the time limit. Its speed is measured by bench/readers.sh.
@Suite(.timeLimit(.minutes(1)))
struct CSVWorstInputTests {
    @Test(arguments: WorstInput.csv)
    func reads(_ input: WorstInput.Case) async {
        await WorstInput.read(input) { bytes in
            // The columns and each record's check for a value under no name, as an import runs them.
            guard let csv = try? CSVFile(bytes: bytes) else { return }
            _ = try? csv.columns(required: ["ref", "role", "name"], optional: ["email", "phone"])
            for record in csv.records { _ = csv.unnamedValue(in: record) }
        }
    }
}
