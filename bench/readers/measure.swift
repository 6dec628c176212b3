// The readers benchmark's clock (bench/readers.sh): each reader is given its worst input at each
// size (64 KiB and 256 KiB unless READER_SIZES says otherwise, in KiB) and timed. Linear readers
// take 4 times as long for 4 times the input; a ratio near 16 is a quadratic path.
import Foundation

/// A reader of outside input, and the input that costs it the most, made at any size in bytes.
struct Reader {
    var name: String
    var worst: (Int) -> [UInt8]
    /// Reads the input and returns something of what it read, so the optimiser keeps the work.
    var read: ([UInt8]) -> Int
}

/// Where the readers' results go, so no reading is optimised away.
nonisolated(unsafe) var sink = 0

extension Reader {
    /// The readers of one kind of input (`group`), one for each of its worst inputs.
    static func each(_ group: String, _ cases: [WorstInput.Case], read: @escaping ([UInt8]) -> Int) -> [Reader] {
        cases.map { Reader(name: "\(group): \($0.name)", worst: $0.make, read: read) }
    }
}

@main
enum ReadersBenchmark {
    static func main() {
        let environment = ProcessInfo.processInfo.environment
        let sizes = (environment["READER_SIZES"] ?? "64 256").split(separator: " ").compactMap { Int($0) }
        // A reader slower than this at a size is not run at the next one (a quadratic one would
        // take minutes); its line says so.
        let budget = Double(environment["READER_BUDGET"] ?? "30") ?? 30
        let only = environment["READER_ONLY"]
        for reader in readers where only == nil || reader.name.contains(only ?? "") {
            var figures: [String] = []
            var seconds: [Double] = []
            for kib in sizes {
                if let last = seconds.last, last > budget {
                    figures.append("\(kib) KiB not run (over \(Int(budget)) s at the size before)")
                    break
                }
                let input = reader.worst(kib * 1024)
                let time = fastest(of: input, reader)
                seconds.append(time)
                figures.append("\(kib) KiB \(shown(time))")
            }
            var line = "readers: \(reader.name): " + figures.joined(separator: ", ")
            if seconds.count >= 2, let first = seconds.first, let last = seconds.last, first > 0 {
                line += String(format: "; ratio %.1f", last / first)
            }
            print(line)
        }
    }

    /// The fastest of up to five runs (one, when a run takes over a second).
    static func fastest(of input: [UInt8], _ reader: Reader) -> Double {
        var best = Double.infinity
        for _ in 0..<5 {
            let start = ContinuousClock.now
            sink &+= reader.read(input)
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            best = min(best, seconds)
            if seconds > 1 { break }
        }
        return best
    }

    static func shown(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.1f s", seconds)
    }
}
