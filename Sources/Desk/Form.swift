/// The fields of an `application/x-www-form-urlencoded` body or a query: in order, a name may repeat.
/// Bounded: at most `maxFields` fields and `maxBytes` bytes, read in one pass (linear time).
public struct Form: Sendable, Equatable {
    public private(set) var fields: [(name: String, value: String)]

    public static let maxFields = 200
    public static let maxBytes = 64 * 1024

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case tooLarge, tooManyFields, notUTF8, badEscape

        public var description: String {
            switch self {
            case .tooLarge: "the form is larger than \(Form.maxBytes) bytes"
            case .tooManyFields: "the form has more than \(Form.maxFields) fields"
            case .notUTF8: "the form is not UTF-8"
            case .badEscape: "the form has a broken %-escape"
            }
        }
    }

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    public static func == (left: Form, right: Form) -> Bool {
        left.fields.count == right.fields.count
            && zip(left.fields, right.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Parses `a=1&b=%C3%A6+x`: `+` is a space, `%XX` a byte; the bytes must be UTF-8.
    public static func parse(_ bytes: some Collection<UInt8>) throws(Refusal) -> Form {
        guard bytes.count <= maxBytes else { throw .tooLarge }
        var fields: [(name: String, value: String)] = []
        var name: [UInt8] = []
        var value: [UInt8] = []
        var inValue = false
        var pending: (high: UInt8?, count: Int) = (nil, 0)
        func finish() throws(Refusal) {
            defer {
                name.removeAll(keepingCapacity: true)
                value.removeAll(keepingCapacity: true)
                inValue = false
            }
            guard pending.count == 0 else { throw .badEscape }
            guard !name.isEmpty || !value.isEmpty else { return }
            guard fields.count < maxFields else { throw .tooManyFields }
            guard let decodedName = String(validating: name, as: UTF8.self),
                let decodedValue = String(validating: value, as: UTF8.self)
            else { throw .notUTF8 }
            fields.append((decodedName, decodedValue))
        }
        for byte in bytes {
            if pending.count > 0 {
                guard let digit = hexValue(byte) else { throw .badEscape }
                if let high = pending.high {
                    let decoded = high << 4 | digit
                    if inValue { value.append(decoded) } else { name.append(decoded) }
                    pending = (nil, 0)
                } else {
                    pending = (digit, 1)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "&"): try finish()
            case UInt8(ascii: "=") where !inValue: inValue = true
            case UInt8(ascii: "%"): pending = (nil, 1)
            case UInt8(ascii: "+"): if inValue { value.append(0x20) } else { name.append(0x20) }
            default: if inValue { value.append(byte) } else { name.append(byte) }
            }
        }
        try finish()
        return Form(fields)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The first value of `name`, nil when absent.
    public subscript(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// The first value of `name`, trimmed; nil when absent or empty (a field left blank).
    public func given(_ name: String) -> String? {
        guard let value = self[name]?.trimmingSpaces, !value.isEmpty else { return nil }
        return value
    }

    /// Every value of `name` (a group of checkboxes).
    public func all(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
