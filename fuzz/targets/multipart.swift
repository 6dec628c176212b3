// Fuzz target: any bytes as an upload's body never trap the multipart reader, and what it reads
// keeps its promises: at most `maxParts` parts, every part's bytes lie inside the body, a body over
// the limit is refused. The first byte picks the boundary's length, so short and long boundaries
// (up to RFC 2046's 70) are both tried; the bytes after the boundary are the body. Any bytes as a
// Content-Type header give a boundary of 1 to 70 printable bytes or a refusal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = Array(UnsafeBufferPointer(start: data, count: size))
    if let header = String(validating: buffer, as: UTF8.self),
        let boundary = try? Multipart.boundary(contentType: header)
    {
        precondition((1...70).contains(boundary.count))
    }
    guard let first = buffer.first else { return 0 }
    let length = Int(first) % 70 + 1
    guard buffer.count > length else { return 0 }
    let boundary = Array(buffer[1...length])
    let body = Array(buffer[(length + 1)...])
    do {
        let multipart = try Multipart.parse(body, boundary: boundary)
        precondition(multipart.parts.count <= Multipart.maxParts)
        precondition(multipart.parts.reduce(0) { $0 + $1.bytes.count } <= body.count)
        if let (form, files) = try? multipart.fields() {
            precondition(form.fields.count + files.count <= multipart.parts.count)
        }
    } catch {
        precondition(!error.description.isEmpty)
    }
    return 0
}
