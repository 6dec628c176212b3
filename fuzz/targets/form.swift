// Fuzz target: any bytes as a desk form (application/x-www-form-urlencoded body or query) are read
// without trapping, in time linear in them, within the limits (64 KiB, 200 fields) or refused; what
// is read, written out again (every byte %-escaped), reads back the same; and every value, escaped
// for a page, holds none of the characters that could end its text or attribute.
import Foundation

func encoded(_ text: String) -> String {
    text.utf8.map { byte in
        let digits = String(byte, radix: 16, uppercase: true)
        return "%" + (digits.count == 1 ? "0" + digits : digits)
    }.joined()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzForm(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = Array(UnsafeBufferPointer(start: data, count: size))
    guard let form = try? Form.parse(buffer) else { return 0 }
    precondition(buffer.count <= Form.maxBytes && form.fields.count <= Form.maxFields)
    let again = form.fields.map { encoded($0.name) + "=" + encoded($0.value) }.joined(separator: "&")
    if again.utf8.count <= Form.maxBytes {
        precondition((try? Form.parse(Array(again.utf8))) == form)
    }
    for field in form.fields {
        let escaped = HTML.escape(field.value)
        precondition(!escaped.contains(where: { "<>\"'".contains($0) }))
        precondition(form[field.name] != nil && form.all(field.name).contains(field.value) == true)
    }
    return 0
}
