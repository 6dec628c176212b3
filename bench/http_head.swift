// bench/http.sh: the request reader's cost when a head arrives a byte per read (the worst a client
// can make it) beside all at once, at two sizes; and a stream of pipelined requests a byte per
// read at 64 KiB and 256 KiB. Linear: the ratio between the sizes stays near 4, and a byte per
// read costs a constant factor more than all at once, never the size of the head more.
import Foundation

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Reads `bytes` fed `step` bytes a read; the requests read.
func read(_ bytes: [UInt8], step: Int) -> Int {
    var reader = RequestReader()
    var requests = 0
    var index = 0
    while index < bytes.count {
        reader.append(bytes[index..<min(index + step, bytes.count)])
        index += step
        reading: while true {
            switch reader.next() {
            case .request: requests += 1
            case .incomplete: break reading
            case .refused(let status): fatalError("refused \(status)")
            }
        }
    }
    return requests
}

func head(_ size: Int) -> [UInt8] {
    let start = "GET /healthz HTTP/1.1\r\nX: "
    return Array((start + String(repeating: "a", count: size - start.utf8.count - 4) + "\r\n\r\n").utf8)
}

func best(_ runs: Int, _ body: () -> Void) -> Double { (0..<runs).map { _ in seconds(body) }.min() ?? 0 }

print("head (one request)        all at once     a byte per read")
var perByte: [Double] = []
for size in [4 * 1024, 16 * 1024] {
    let bytes = head(size)
    let once = best(20) { precondition(read(bytes, step: bytes.count) == 1) }
    let trickled = best(20) { precondition(read(bytes, step: 1) == 1) }
    perByte.append(trickled)
    print(String(format: "%3d KiB                  %8.3f ms     %8.3f ms", size / 1024, once * 1000, trickled * 1000))
}
print(String(format: "16 KiB / 4 KiB, a byte per read: %.1f (linear: 4; re-read from the start: 16)", perByte[1] / perByte[0]))

print("pipelined stream          all at once     a byte per read")
var stream: [Double] = []
let one = Array("GET /healthz HTTP/1.1\r\nHost: mentor.example.dk\r\nX: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n".utf8)
for size in [64 * 1024, 256 * 1024] {
    let count = size / one.count
    let bytes = Array(Array(repeating: one, count: count).joined())
    let once = best(5) { precondition(read(bytes, step: bytes.count) == count) }
    let time = best(5) { precondition(read(bytes, step: 1) == count) }
    stream.append(time)
    print(String(format: "%3d KiB (%4d requests) %8.3f ms     %8.3f ms", size / 1024, count, once * 1000, time * 1000))
}
print(String(format: "256 KiB / 64 KiB: %.1f (linear: 4)", stream[1] / stream[0]))
