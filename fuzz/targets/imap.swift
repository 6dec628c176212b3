// Fuzz target: what an IMAP server answers to STATUS and UID SEARCH is read without trapping, in
// one pass, and what is kept has the promised shape: 32-bit numbers, UIDs past the one we know,
// ascending and each once.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIMAP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let answer = Array(UnsafeBufferPointer(start: data, count: size))
    for word in ["UIDVALIDITY", "UIDNEXT"] {
        if let value = IMAPAnswer.number(after: word, in: answer) {
            precondition((0...Int64(UInt32.max)).contains(value))
        }
    }
    for after: Int64 in [0, 7, Int64(UInt32.max)] {
        let uids = IMAPAnswer.searchUIDs(answer, after: after)
        precondition(uids.allSatisfy { $0 > after && $0 <= Int64(UInt32.max) })
        precondition(zip(uids, uids.dropFirst()).allSatisfy { $0 < $1 })
    }
    return 0
}
