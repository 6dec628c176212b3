// Fuzz target: any bytes as the start of an HTTP connection never trap the request parser, and
// what it reports keeps its promises: a request consumes no more than it was given and its body is
// within the limit; a refusal is one of the statuses the endpoint answers with. The same bytes as
// a form body (a Twilio webhook) and a query are read within the field limit.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var buffer = Array(UnsafeBufferPointer(start: data, count: size))
    precondition(HTTPForm.fields(buffer).count <= 100)
    let parser = RequestParser()
    // Up to three pipelined requests, as keep-alive reads them.
    for _ in 0..<3 {
        switch parser.parse(buffer) {
        case .request(let request, let consumed):
            precondition(consumed > 0 && consumed <= buffer.count)
            precondition(request.body.count <= parser.limits.maxBody)
            precondition(request.path.hasPrefix("/"))
            precondition(HTTPForm.fields(request.body).count <= 100)
            _ = HTTPForm.fields(Array(request.query.utf8), limit: 10)
            buffer.removeFirst(consumed)
        case .refused(let status):
            precondition([400, 411, 413, 431, 505].contains(status))
            return 0
        case .incomplete:
            return 0
        }
    }
    return 0
}
