package import Foundation

/// `write(2)` until every byte is out: a short write (a signal, a full pipe) is continued and
/// `EINTR` retried, rather than taken for a failure or, worse, for success.
package enum FileWrite {
    package static func all<Bytes: ContiguousBytes>(_ bytes: Bytes, to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}

/// A random name part (64 bits from the system's generator, as hex): file names nobody can predict.
package enum RandomName {
    package static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = UInt64.random(in: .min ... .max, using: &generator)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
