import MentorModel
import Testing

@testable import MentorNotifyCore

/// `plan --json` writes its objects' members in place; what it writes must be byte for byte what
/// the JSON tree the other `--json` outputs build writes for the same values.
@Suite struct JSONWriterTests {
    struct Row {
        var channels: [String]
        var at: Int64?
        var text: String?
        var number: Int64?
    }

    static let zone = Zone.copenhagen

    static func tree(_ row: Row) -> JSON {
        .object([
            ("channels", .array(row.channels.map { .string($0) })),
            ("expiresAt", .optional(row.at.map { zone.iso8601($0) })),
            ("key", .optional(row.text)),
            ("recipient", .optional(row.number)),
        ])
    }

    static func inPlace(_ row: Row, _ members: inout JSONMembers) {
        members.strings("channels", row.channels)
        members.time("expiresAt", row.at, in: zone)
        members.string("key", row.text)
        members.int("recipient", row.number)
    }

    static func both(_ rows: [Row]) -> (tree: String, inPlace: String) {
        let tree = Output(capturing: ())
        tree.json(array: rows.map(JSONWriterTests.tree))
        let inPlace = Output(capturing: ())
        inPlace.json(objects: rows, members: JSONWriterTests.inPlace)
        return (tree.capturedText.out, inPlace.capturedText.out)
    }

    @Test func membersWrittenInPlaceAreTheTreesBytes() {
        // Summer and winter time, the moment the clocks go back, a leap day; quotes, a line break, a
        // control character and Danish letters to escape; null, negative and empty values.
        let rows = [
            Row(channels: ["email", "sms"], at: 1_782_806_400, text: "evaluation:42:mentor:2026-06", number: 7),
            Row(channels: [], at: nil, text: nil, number: nil),
            Row(channels: ["sms"], at: 1_792_890_000, text: "Søs \"Ærø\"\n\u{1}\\", number: -3),
            Row(channels: ["email"], at: 1_835_395_200, text: "", number: 0),
        ]
        let (tree, inPlace) = Self.both(rows)
        #expect(inPlace == tree)
        #expect(inPlace.contains("\"expiresAt\" : \"2026-10-25T02:00:00+01:00\""))
        #expect(Self.both([]).inPlace == Self.both([]).tree)
        // Many rows: the output is written in chunks, and none is lost or doubled at their seams.
        let many = (0..<3000).map {
            Row(channels: ["email"], at: Int64($0) * 86_400, text: "k\($0)", number: Int64($0))
        }
        let (manyTree, manyInPlace) = Self.both(many)
        #expect(manyInPlace == manyTree)
    }

    /// The bytes themselves, not only the two writers agreeing: `plan --json` output is read by
    /// scripts, and both writers share the array's framing.
    @Test func theArrayIsWrittenAsBefore() {
        let rows = [
            Row(channels: ["email", "sms"], at: 1_782_806_400, text: "a\"b", number: 7),
            Row(channels: [], at: nil, text: nil, number: nil),
        ]
        let expected = """
            [
              {
                "channels" : [
                  "email",
                  "sms"
                ],
                "expiresAt" : "2026-06-30T10:00:00+02:00",
                "key" : "a\\"b",
                "recipient" : 7
              },
              {
                "channels" : [],
                "expiresAt" : null,
                "key" : null,
                "recipient" : null
              }
            ]

            """
        #expect(Self.both(rows).inPlace == expected)
        #expect(Self.both([]).inPlace == "[]\n")
    }

    @Test func anObjectWithNoMembersIsEmptyBraces() {
        let output = Output(capturing: ())
        output.json(objects: [1, 2]) { _, _ in }
        let tree = Output(capturing: ())
        tree.json(array: [JSON.object([]), .object([])])
        #expect(output.capturedText.out == tree.capturedText.out)
    }

    @Test func aWriterGrowsWithoutLosingWhatItHolds() {
        let writer = ByteWriter(capacity: 1)
        var expected = ""
        for index in 0..<500 {
            writer.append("ab")
            writer.append(spaces: index % 7)
            writer.appendJSONString("æ\"\(index)")
            writer.appendISO8601(Int64(index) * 3_600_000, in: Self.zone)
            expected += "ab" + String(repeating: " ", count: index % 7) + JSONString.literal("æ\"\(index)")
            expected += "\"" + Self.zone.iso8601(Int64(index) * 3_600_000) + "\""
        }
        #expect(writer.take() == expected)
        #expect(writer.count == 0)
        writer.append(UInt8(ascii: "x"))
        #expect(writer.take() == "x")
    }
}
