import MentorModel
import Testing

@testable import MentorStore

@Suite struct CSVReaderTests {
    func read(_ text: String) throws -> CSVFile {
        try CSVFile(bytes: Array(text.utf8))
    }

    @Test func semicolonsAndABOMAreDetected() throws {
        let csv = try CSVFile(bytes: [0xEF, 0xBB, 0xBF] + Array("ref;role;name\r\nm1;mentor;Søren\r\n".utf8))
        #expect(csv.separator == ";")
        #expect(csv.header == ["ref", "role", "name"])
        #expect(csv.records.map(\.fields) == [["m1", "mentor", "Søren"]])
        #expect(!csv.readAsWindows1252)
    }

    @Test func quotedFieldsKeepSeparatorsQuotesAndNewlines() throws {
        let csv = try read("ref,name,place\nm1,\"Hansen, Anna\",\"Line one\nline \"\"two\"\"\"\nm2,Bo,x\n")
        #expect(csv.records.count == 2)
        #expect(csv.records[0].fields == ["m1", "Hansen, Anna", "Line one\nline \"two\""])
        #expect(csv.records[0].line == 2)
        // The quoted newline makes the next record start on physical line 4.
        #expect(csv.records[1].line == 4)
    }

    @Test func windows1252IsReadWhenNotUTF8() throws {
        // "Søren Æbelø" in Windows-1252, with a € (0x80).
        let bytes: [UInt8] =
            Array("ref;name\nm1;S".utf8) + [0xF8] + Array("ren ".utf8) + [0xC6] + Array("bel".utf8) + [
                0xF8, 0x20, 0x80,
            ]
        let csv = try CSVFile(bytes: bytes)
        #expect(csv.readAsWindows1252)
        #expect(csv.records[0].fields == ["m1", "Søren Æbelø €"])
    }

    @Test func unclosedQuoteNamesItsLine() {
        #expect(throws: CSVError(line: 3, "a quoted field is not closed before the end of the file")) {
            try read("a,b\n1,2\n3,\"open\n")
        }
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let csv = try read("a,b\n\n1,2\n\n3,4")
        #expect(csv.records.map(\.line) == [3, 5])
    }

    @Test func unknownAndMissingColumnsAreNamed() throws {
        let csv = try read("ref,role,nmae\n")
        #expect(throws: CSVError.self) { try csv.columns(required: ["ref", "role", "name"], optional: []) }
    }
}
