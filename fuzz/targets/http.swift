// Fuzz target: any bytes as the start of an HTTP connection never trap the request reader, and
// what it reports keeps its promises: a request consumes no more than it was given and its body is
// within the limit; a refusal is one of the statuses the endpoint answers with. Read as they
// arrive — a byte per read, or in pieces the input chooses — the bytes give the same requests and
// the same refusal as read at once (the head is read incrementally, never re-read from its start).
// The same bytes as a form body (a Twilio webhook) and a query are read within the field limit.
import Foundation

/// The requests (at most three, as keep-alive reads them) and the refusal, reading `bytes` in
/// pieces of `step` bytes (0: at once).
func readAll(_ bytes: [UInt8], step: Int) -> (requests: [HTTPRequest], refusal: Int?) {
    var reader = RequestReader()
    var requests: [HTTPRequest] = []
    var index = 0
    let size = step == 0 ? max(bytes.count, 1) : step
    while index < bytes.count {
        reader.append(bytes[index..<min(index + size, bytes.count)])
        index += size
        reading: while true {
            switch reader.next() {
            case .request(let request, let consumed):
                precondition(consumed > 0 && consumed <= bytes.count)
                precondition(request.body.count <= reader.parser.limits.maxBody)
                precondition(request.path.hasPrefix("/"))
                precondition(HTTPForm.fields(request.body).count <= 100)
                _ = HTTPForm.fields(Array(request.query.utf8), limit: 10)
                requests.append(request)
                if requests.count == 3 { return (requests, nil) }
            case .refused(let status):
                precondition([400, 411, 413, 431, 505].contains(status))
                return (requests, status)
            case .incomplete:
                break reading
            }
        }
    }
    return (requests, nil)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = Array(UnsafeBufferPointer(start: data, count: size))
    precondition(HTTPForm.fields(buffer).count <= 100)
    let atOnce = readAll(buffer, step: 0)
    let byByte = readAll(buffer, step: 1)
    precondition(atOnce.requests == byByte.requests && atOnce.refusal == byByte.refusal)
    let pieces = readAll(buffer, step: Int(buffer.first ?? 7) % 13 + 2)
    precondition(atOnce.requests == pieces.requests && atOnce.refusal == pieces.refusal)
    // The one-shot parse says what the reader says first.
    switch RequestParser().parse(buffer) {
    case .request(let request, _): precondition(atOnce.requests.first == request)
    case .refused(let status): precondition(atOnce.requests.isEmpty && atOnce.refusal == status)
    case .incomplete: precondition(atOnce.requests.isEmpty && atOnce.refusal == nil)
    }
    return 0
}
