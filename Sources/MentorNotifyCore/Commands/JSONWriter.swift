import MentorModel

/// A JSON value for the `--json` outputs, written by hand: Foundation's JSONSerialization spends
/// most of a 100,000-row `plan --json` sorting keys through NSString.
/// Sendable said out loud: inferring it through `(String, JSON)` sends the compiler round in a circle.
enum JSON: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    /// Written rounded to four decimals (shares, averages, medians).
    case number(Double)
    case string(String)
    case array([JSON])
    /// Keys are written in the order given; callers give them sorted.
    case object([(String, JSON)])

    static func optional(_ value: String?) -> JSON { value.map { .string($0) } ?? .null }
    static func optional(_ value: Int64?) -> JSON { value.map { .int($0) } ?? .null }

    /// Pretty-printed with two spaces, like `JSONSerialization`'s `.prettyPrinted`. Written as
    /// UTF-8 bytes: appending to a String checks and grows it piece by piece, several hundred
    /// instructions an append, and a large `plan --json` makes millions.
    func write(into output: ByteWriter, indent: Int = 0) {
        switch self {
        case .null: output.append("null")
        case .bool(let value): output.append(value ? "true" : "false")
        case .int(let value): output.append(utf8: String(value))
        case .number(let value):
            guard value.isFinite else { return output.append("null") }
            output.append(utf8: String((value * 10_000).rounded() / 10_000))
        case .string(let value): output.appendJSONString(value)
        case .array(let values):
            guard !values.isEmpty else { return output.append("[]") }
            output.append("[\n")
            for (index, value) in values.enumerated() {
                output.append(spaces: indent + 2)
                value.write(into: output, indent: indent + 2)
                output.append(index == values.count - 1 ? "\n" : ",\n")
            }
            output.append(spaces: indent)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else { return output.append("{}") }
            output.append("{\n")
            for (index, (key, value)) in members.enumerated() {
                output.append(spaces: indent + 2)
                output.appendJSONString(key)
                output.append(" : ")
                value.write(into: output, indent: indent + 2)
                output.append(index == members.count - 1 ? "\n" : ",\n")
            }
            output.append(spaces: indent)
            output.append(UInt8(ascii: "}"))
        }
    }
}

/// The bytes of a large output, each append a copy: `[UInt8].append(contentsOf:)` costs some ninety
/// instructions a call whatever its length, and `plan --json` makes millions of short ones.
final class ByteWriter {
    private var start: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 1 << 17) {
        self.capacity = max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    func append(_ byte: UInt8) {
        reserve(1)
        start[count] = byte
        count += 1
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        reserve(bytes.count)
        (start + count).initialize(from: base, count: bytes.count)
        count += bytes.count
    }

    func append(_ literal: StaticString) {
        guard literal.hasPointerRepresentation else { return literal.withUTF8Buffer { append($0) } }
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A String's UTF-8 (literals go to `append(_: StaticString)`, which need not look at a String).
    func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    func append(spaces: Int) {
        reserve(spaces)
        (start + count).initialize(repeating: UInt8(ascii: " "), count: spaces)
        count += spaces
    }

    /// `text` as a JSON string literal.
    func appendJSONString(_ text: String) {
        guard !JSONString.needsEscaping(text) else { return append(utf8: JSONString.literal(text)) }
        append(UInt8(ascii: "\""))
        append(utf8: text)
        append(UInt8(ascii: "\""))
    }

    /// `zone.iso8601(seconds)` in quotes.
    func appendISO8601(_ seconds: Int64, in zone: Zone) {
        let length = Zone.iso8601Length
        reserve(length + 2)
        start[count] = UInt8(ascii: "\"")
        zone.writeISO8601(seconds, into: UnsafeMutableBufferPointer(start: start + count + 1, count: length))
        start[count + 1 + length] = UInt8(ascii: "\"")
        count += length + 2
    }

    /// What was written, as text; the writer is empty again.
    func take() -> String {
        defer { count = 0 }
        return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }

    /// Inlined: every append asks, and the answer is nearly always yes.
    @inline(__always)
    private func reserve(_ more: Int) {
        if count + more > capacity { grow(toHold: count + more) }
    }

    private func grow(toHold needed: Int) {
        let grown = max(capacity * 2, needed)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.moveInitialize(from: start, count: count)
        start.deallocate()
        start = larger
        capacity = grown
    }
}

/// The members of one JSON object written straight into the output, as `JSON.write` would write
/// them at that depth: for the large `--json` outputs whose every element has the same fields
/// (`plan --json` writes 100,000), which need no tree of values per element.
struct JSONMembers {
    fileprivate let output: ByteWriter
    fileprivate let indent: Int
    fileprivate var count = 0

    mutating func string(_ key: StaticString, _ value: String) {
        open(key)
        output.appendJSONString(value)
    }

    mutating func string(_ key: StaticString, _ value: String?) {
        guard let value else { return null(key) }
        string(key, value)
    }

    mutating func int(_ key: StaticString, _ value: Int64?) {
        guard let value else { return null(key) }
        open(key)
        output.append(utf8: String(value))
    }

    /// A moment as ISO 8601 in `zone`, or null.
    mutating func time(_ key: StaticString, _ value: Int64?, in zone: Zone) {
        guard let value else { return null(key) }
        open(key)
        output.appendISO8601(value, in: zone)
    }

    mutating func strings(_ key: StaticString, _ values: some Collection<String>) {
        open(key)
        // A short list (a follow-up's channels): written as the tree writes an array.
        JSON.array(values.map { .string($0) }).write(into: output, indent: indent + 2)
    }

    private mutating func null(_ key: StaticString) {
        open(key)
        output.append("null")
    }

    /// The separator, the indent and the key: keys are literals that need no escaping.
    private mutating func open(_ key: StaticString) {
        output.append(count == 0 ? "{\n" : ",\n")
        count += 1
        output.append(spaces: indent + 2)
        output.append(UInt8(ascii: "\""))
        output.append(key)
        output.append("\" : ")
    }

    fileprivate func close() {
        guard count > 0 else { return output.append("{}") }
        output.append(UInt8(ascii: "\n"))
        output.append(spaces: indent)
        output.append(UInt8(ascii: "}"))
    }
}

extension Output {
    /// Writes a JSON array, one element at a time, so a large output is never held whole: neither
    /// the text nor (given a lazy sequence) the values.
    func json<Elements: Sequence<JSON>>(array elements: Elements) {
        json(objects: elements) { element, output in element.write(into: output, indent: 2) }
    }

    /// Writes a JSON array of objects, each one's members written in place by `members`: byte for
    /// byte what `json(array:)` writes for the same values, without building them.
    func json<Elements: Sequence>(objects elements: Elements, members: (Elements.Element, inout JSONMembers) -> Void) {
        json(objects: elements) { element, output in
            var object = JSONMembers(output: output, indent: 2)
            members(element, &object)
            object.close()
        }
    }

    private func json<Elements: Sequence>(
        objects elements: Elements, write element: (Elements.Element, ByteWriter) -> Void
    ) {
        let chunk = ByteWriter()
        var first = true
        for value in elements {
            chunk.append(first ? "[\n  " : ",\n  ")
            first = false
            element(value, chunk)
            if chunk.count > 1 << 16 { write(chunk.take()) }
        }
        chunk.append(first ? "[]" : "\n]")
        line(chunk.take())
    }

    func json(_ value: JSON) {
        let text = ByteWriter(capacity: 1 << 12)
        value.write(into: text)
        line(text.take())
    }
}
