import Foundation

/// The embedded default: messages become files in a folder, written atomically.
///
/// `ID-RANDOM.eml` is a complete RFC 5322 message; `ID-RANDOM.sms.json` holds the number, the text
/// and its segment count. A file appears whole or not at all (written to a temporary name, synced,
/// renamed). Names carry a random part and files are created new (`O_EXCL`, `O_NOFOLLOW`): nobody
/// with a way into the folder can plant a link or guess a name ahead of us.
public final class SpoolTransport: EmailTransport, SMSTransport {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func send(_ message: EmailPayload) throws(DeliveryError) -> DeliveryReceipt {
        let name = SpoolTransport.name(message.outboxID, "eml")
        try write(Data(message.mime.utf8), name: name)
        return DeliveryReceipt(providerID: name)
    }

    public func send(_ message: SMSPayload) throws(DeliveryError) -> DeliveryReceipt {
        let name = SpoolTransport.name(message.outboxID, "sms.json")
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

    /// `00000042-RANDOM.eml`: sorted by outbox id, unpredictable.
    static func name(_ outboxID: Int64, _ suffix: String) -> String {
        String(format: "%08lld", outboxID) + "-" + RandomName.make() + "." + suffix
    }

    /// The spool files of these outbox rows (`forget` removes them).
    public static func files(in directory: String, outboxIDs: Set<Int64>) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { name in
            guard let dash = name.firstIndex(of: "-"), let id = Int64(name[..<dash]) else { return false }
            return outboxIDs.contains(id)
        }.map { directory + "/" + $0 }
    }

    private func write(_ data: Data, name: String) throws(DeliveryError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .channel("spool folder \(directory) cannot be created: \(error.localizedDescription)")
        }
        let final = directory + "/" + name
        let temporary = directory + "/.tmp-" + name
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw .channel("spool folder \(directory) is not writable (errno \(errno)); fix its permissions")
        }
        let written = FileWrite.all(data, to: descriptor)
        let synced = fsync(descriptor)
        close(descriptor)
        guard written, synced == 0 else {
            unlink(temporary)
            throw .channel("writing to spool folder \(directory) failed (disk full?)")
        }
        guard rename(temporary, final) == 0 else {
            unlink(temporary)
            throw .channel("spool file \(final) could not be put in place (errno \(errno))")
        }
    }
}
