import Foundation
import MentorModel

/// A parsed message template: `{{name}}` variables, `{{#name}}…{{/name}}` sections that appear
/// only when the variable is not empty, and `{{^name}}…{{/name}}` sections that appear only when it
/// is. Nothing else: templates are text a leader can edit.
public struct Template: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case text(String)
        case variable(String)
        case section(String, [Part])
        case inverted(String, [Part])
    }

    let parts: [Part]
    public let variables: Set<String>

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    public init(_ source: String) throws(ParseError) {
        var index = source.startIndex
        parts = try Template.parse(source, &index, closing: nil)
        var names = Set<String>()
        Template.collect(parts, into: &names)
        variables = names
    }

    private static func parse(_ source: String, _ index: inout String.Index, closing: String?) throws(ParseError)
        -> [Part]
    {
        var parts: [Part] = []
        let bytes = source.utf8
        // By bytes, a text at a time: the templates are parsed at every start, and a Character at a
        // time cost more than the rest of starting up.
        while index < source.endIndex {
            guard let open = pair(UInt8(ascii: "{"), in: bytes, from: index) else {
                parts.append(.text(String(source[index...])))
                index = source.endIndex
                break
            }
            if open > index { parts.append(.text(String(source[index..<open]))) }
            let inside = bytes.index(open, offsetBy: 2)
            guard let close = pair(UInt8(ascii: "}"), in: bytes, from: inside) else {
                throw ParseError(message: "a '{{' is not closed with '}}'")
            }
            let tag = source[inside..<close].trimmingSpaces()
            index = bytes.index(close, offsetBy: 2)
            if tag.hasPrefix("#") {
                let name = String(tag.dropFirst())
                try checkName(name)
                parts.append(.section(name, try parse(source, &index, closing: name)))
            } else if tag.hasPrefix("^") {
                let name = String(tag.dropFirst())
                try checkName(name)
                parts.append(.inverted(name, try parse(source, &index, closing: name)))
            } else if tag.hasPrefix("/") {
                let name = String(tag.dropFirst())
                guard name == closing else {
                    throw ParseError(message: "'{{/\(name)}}' closes a section that is not open")
                }
                return parts
            } else {
                try checkName(tag)
                parts.append(.variable(tag))
            }
        }
        if let closing { throw ParseError(message: "section '{{#\(closing)}}' is not closed with '{{/\(closing)}}'") }
        return parts
    }

    /// Where `byte` first comes twice in a row at or after `start` (`{{`, `}}`).
    private static func pair(_ byte: UInt8, in bytes: String.UTF8View, from start: String.Index) -> String.Index? {
        var index = start
        while index < bytes.endIndex {
            let next = bytes.index(after: index)
            if bytes[index] == byte, next < bytes.endIndex, bytes[next] == byte { return index }
            index = next
        }
        return nil
    }

    private static func checkName(_ name: String) throws(ParseError) {
        // A name of ASCII letters, digits, '_' and '-' (every name the texts use) passes on its bytes:
        // asking each Character for its Unicode properties was a fifth of loading the texts.
        if !name.isEmpty, name.utf8.allSatisfy(isASCIINameByte) { return }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw ParseError(message: "'\(name)' is not a variable name")
        }
    }

    private static func isASCIINameByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte | 0x20) || (0x30...0x39).contains(byte) || byte == 0x5F || byte == 0x2D
    }

    private static func collect(_ parts: [Part], into names: inout Set<String>) {
        for part in parts {
            switch part {
            case .text: break
            case .variable(let name): names.insert(name)
            case .section(let name, let inner), .inverted(let name, let inner):
                names.insert(name)
                collect(inner, into: &names)
            }
        }
    }

    /// Renders with the given values; a missing value renders empty (checked at load instead).
    public func render(_ values: [String: String]) -> String {
        var output = ""
        Template.render(parts, values, into: &output)
        return output
    }

    private static func render(_ parts: [Part], _ values: [String: String], into output: inout String) {
        for part in parts {
            switch part {
            case .text(let text): output += text
            case .variable(let name): output += values[name] ?? ""
            case .section(let name, let inner):
                if let value = values[name], !value.isEmpty { render(inner, values, into: &output) }
            case .inverted(let name, let inner):
                if (values[name] ?? "").isEmpty { render(inner, values, into: &output) }
            }
        }
    }
}
