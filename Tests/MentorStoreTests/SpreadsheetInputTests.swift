import MentorModel
import Testing

@testable import MentorStore

/// What Danish Excel writes is read, and what we write Danish Excel opens as it is.
@Suite struct SpreadsheetInputTests {
    @Test(arguments: [
        ("12-04-1968", "1968-04-12"), ("12.04.1968", "1968-04-12"), ("12/04/1968", "1968-04-12"),
        ("1-4-1968", "1968-04-01"), (" 29-02-2024 ", "2024-02-29"), ("1968-04-12", "1968-04-12"),
    ])
    func danishExcelDatesAreRead(_ written: String, _ iso: String) throws {
        #expect(try Validate.spreadsheetDate(written).description == iso)
    }

    @Test(arguments: [
        ("31-02-2024", "February 2024 has no day 31"), ("29-02-2023", "February 2023 has no day 29"),
        ("12-04-68", "four-digit year"), ("04/13/1968", "day first"), ("1968/04/12", "day first"),
        ("12-04.1968", "not a date"), ("25000", "day number"), ("12-04-0968", "outside the years"),
        ("", "not a date"), ("12--1968", "not a date"), ("١٢-٠٤-١٩٦٨", "not a date"),
        (String(repeating: "1", count: 5000), "not a date"),
    ])
    func badDatesAreRefusedWithWhatToWrite(_ written: String, _ phrase: String) {
        #expect {
            try Validate.spreadsheetDate(written, field: "start")
        } throws: { error in
            let reason = (error as? InputError)?.description ?? ""
            return reason.hasPrefix("start: ") && reason.contains(phrase)
        }
    }

    @Test func danishHeadersInAnyCaseMeanTheirColumns() throws {
        let csv = try CSVFile(
            bytes: Array(
                "\u{FEFF}Ref;NAVN;Rolle;E-mail;Telefon;Fødselsdato;Kanaler;Sprog;Børneattest\nm1;Bo;mentor;;;;;;\n".utf8
            ))
        let columns = try csv.columns(
            required: ["ref", "role", "name"],
            optional: ["email", "phone", "birthdate", "channels", "lang", "certificate"])
        #expect(
            columns == [
                "ref": 0, "name": 1, "role": 2, "email": 3, "phone": 4, "birthdate": 5, "channels": 6, "lang": 7,
                "certificate": 8,
            ])
        let forloeb = try CSVFile(bytes: Array("mentor;mentee;program;start;slut\n".utf8))
        #expect(
            try forloeb.columns(required: ["mentor_ref", "mentee_ref", "program", "start"], optional: ["end"])
                == ["mentor_ref": 0, "mentee_ref": 1, "program": 2, "start": 3, "end": 4])
        let contacts = try CSVFile(bytes: Array("dato,minutter,type,mentor,mentee\n".utf8))
        #expect(
            try contacts.columns(required: ["mentor_ref", "mentee_ref", "date", "minutes"], optional: ["kind"])
                == ["date": 0, "minutes": 1, "kind": 2, "mentor_ref": 3, "mentee_ref": 4])
    }

    @Test func aColumnNamedTwiceOrUnknownIsNamedAsTheFileWritesIt() throws {
        let twice = try CSVFile(bytes: Array("ref;rolle;navn;telefon;mobil\n".utf8))
        #expect(throws: CSVError(line: 1, "column 'mobil' appears twice (as 'telefon')")) {
            try twice.columns(required: ["ref", "role", "name"], optional: ["phone"])
        }
        // `mentor` is a column of forløb files; in a people file it is unknown, by its own name.
        let people = try CSVFile(bytes: Array("ref;rolle;navn;mentor\n".utf8))
        #expect {
            try people.columns(required: ["ref", "role", "name"], optional: ["phone"])
        } throws: { error in
            (error as? CSVError)?.reason.hasPrefix("unknown column 'mentor';") == true
        }
    }

    @Test func rowsOfEmptyCellsAreSkippedAndUnnamedColumnsIgnoredWhenEmpty() throws {
        let csv = try CSVFile(
            bytes: Array("ref;role;name;;\r\nm1;mentor;Bo;;\r\n;;;;\r\n ; ;\r\nm2;mentee;Al;;x\r\n".utf8))
        #expect(csv.records.map(\.line) == [2, 5])
        #expect(try csv.columns(required: ["ref", "role", "name"], optional: []) == ["ref": 0, "role": 1, "name": 2])
        #expect(csv.unnamedValue(in: csv.records[0]) == nil)
        #expect(csv.unnamedValue(in: csv.records[1]) == 4)
    }

    @Test func whatWeWriteStartsWithABOMUsesSemicolonsAndReadsBack() throws {
        let header = ["relationship", "program", "mentor", "hours"]
        let rows = [
            ["1", "symb", "Hansen, Søren", CSVWriter.decimal(1.5)],
            ["2", "symb", "=HYPERLINK(\"x\")", CSVWriter.decimal(12)],
        ]
        let bytes = Array(CSVWriter.document(header: header, rows: rows).utf8)
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(String(decoding: bytes.dropFirst(3), as: UTF8.self).hasPrefix("relationship;program;mentor;hours\n"))
        let csv = try CSVFile(bytes: bytes)
        #expect(csv.separator == ";")
        #expect(csv.header == header)
        #expect(
            csv.records.map(\.fields) == [
                ["1", "symb", "Hansen, Søren", "1,5"], ["2", "symb", "'=HYPERLINK(\"x\")", "12,0"],
            ])
        // The decimal is not quoted: Danish Excel reads `1,5` as a number.
        #expect(String(decoding: bytes, as: UTF8.self).contains(";1,5\n"))
    }

    @Test func decimalsAreWrittenWithACommaAsDanishExcelReadsThem() {
        #expect(CSVWriter.decimal(1.5) == "1,5")
        #expect(CSVWriter.decimal(0.25, fractionDigits: 2) == "0,25")
        #expect(CSVWriter.decimal(0.29, fractionDigits: 2) == "0,29")
        #expect(CSVWriter.decimal(3, fractionDigits: 0) == "3")
        #expect(CSVWriter.decimal(.nan) == "")
        #expect(CSVWriter.decimal(1e300) == "")
        #expect(CSVWriter.field(CSVWriter.decimal(1234.5)) == "1234,5")
    }
}
