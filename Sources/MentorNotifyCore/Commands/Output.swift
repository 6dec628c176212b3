public import Foundation
import Synchronization

/// Where a command writes: stdout for results, stderr for diagnostics and logs.
public final class Output: @unchecked Sendable {
    // @unchecked: the handles are only written, each write is one syscall-sized chunk; the captured
    // text is behind its mutex.
    private let out: FileHandle?
    private let err: FileHandle?
    private let last = Mutex<String?>(nil)
    private let captured = Mutex<(out: String, err: String)>(("", ""))

    public init(out: FileHandle = .standardOutput, err: FileHandle = .standardError) {
        self.out = out
        self.err = err
    }

    /// An output that keeps what a command writes (the desk runs commands in the daemon).
    public init(capturing: Void) {
        out = nil
        err = nil
    }

    /// What was written to stdout and stderr, for an output made with `init(capturing:)`.
    public var capturedText: (out: String, err: String) { captured.withLock { $0 } }

    public func line(_ text: String) {
        emit(text + "\n")
        last.withLock { $0 = text }
    }

    /// Writes text without a line end.
    public func write(_ text: String) {
        emit(text)
        last.withLock { $0 = nil }
    }

    private func emit(_ text: String) {
        if let out { out.write(Data(text.utf8)) } else { captured.withLock { $0.out += text } }
    }

    /// The last line written to stdout: where a command that creates something prints the new id.
    public var lastLine: String? { last.withLock { $0 } }

    public func error(_ text: String) {
        if let err { err.write(Data((text + "\n").utf8)) } else { captured.withLock { $0.err += text + "\n" } }
    }

    /// A plain table with a header, columns padded to their widest cell.
    public func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        line(format(header))
        for row in rows { line(format(row)) }
    }
}
