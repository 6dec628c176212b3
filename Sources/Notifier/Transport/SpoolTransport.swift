import Foundation

/// The embedded default: messages become files in a folder, written atomically.
///
/// `ID-RULE.eml` is a complete RFC 5322 message; `ID.sms.json` holds the number, the text and its
/// segment count. A file appears whole or not at all (written to a temporary name, synced, renamed).
public final class SpoolTransport: EmailTransport, SMSTransport {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func send(_ message: EmailPayload) throws(DeliveryError) -> DeliveryReceipt {
        let name = String(format: "%08lld.eml", message.outboxID)
        try write(Data(message.mime.utf8), name: name)
        return DeliveryReceipt(providerID: name)
    }

    public func send(_ message: SMSPayload) throws(DeliveryError) -> DeliveryReceipt {
        let name = String(format: "%08lld.sms.json", message.outboxID)
        let (encoding, _) = SMSEncoding.units(of: message.text)
        let segments = SMSEncoding.segments(message.text)
        let object: [String: Any] = [
            "outbox": message.outboxID, "to": message.to, "text": message.text, "encoding": encoding.rawValue,
            "segments": segments,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        else {
            throw .permanent("the SMS could not be encoded as JSON")
        }
        try write(data, name: name)
        return DeliveryReceipt(providerID: name, segments: segments)
    }

    public func finishBatch() {}

    private func write(_ data: Data, name: String) throws(DeliveryError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .channel("spool folder \(directory) cannot be created: \(error.localizedDescription)")
        }
        let final = directory + "/" + name
        let temporary = directory + "/.tmp-" + name
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw .channel("spool folder \(directory) is not writable (errno \(errno)); fix its permissions")
        }
        let written = data.withUnsafeBytes { buffer in Foundation.write(descriptor, buffer.baseAddress, buffer.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0 else {
            unlink(temporary)
            throw .channel("writing to spool folder \(directory) failed (disk full?)")
        }
        guard rename(temporary, final) == 0 else {
            unlink(temporary)
            throw .channel("spool file \(final) could not be put in place (errno \(errno))")
        }
    }
}
