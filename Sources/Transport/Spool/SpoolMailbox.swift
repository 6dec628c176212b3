import Foundation

/// Replies as files, for the demo and tests: `DIR/new/N.eml` (N a positive number) are the
/// messages waiting; acting on one moves it to `DIR/processed/`, one that cannot be read goes to
/// `DIR/unreadable/`.
public final class SpoolMailbox: ReplyMailbox {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func listNew(after last: Int64, generation: Int64?) throws(MailboxError) -> (generation: Int64, ids: [Int64])
    {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/new")) ?? []
        let ids = names.compactMap { name -> Int64? in
            guard name.hasSuffix(".eml") else { return nil }
            return Int64(name.dropLast(4))
        }
        return (1, ids.filter { generation != 1 || $0 > last }.sorted())
    }

    public func fetch(_ id: Int64, generation: Int64) throws(MailboxError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: "\(directory)/new/\(id).eml") else {
            throw MailboxError("cannot read \(directory)/new/\(id).eml")
        }
        return Array(data)
    }

    public func moveToProcessed(_ ids: [Int64]) throws(MailboxError) {
        for id in ids { try move(id, to: "processed") }
    }

    public func moveToUnreadable(_ id: Int64) throws(MailboxError) {
        try move(id, to: "unreadable")
    }

    public var folderNames: (replies: String, unreadable: String) { ("new", "unreadable") }

    private func move(_ id: Int64, to folder: String) throws(MailboxError) {
        do {
            try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
            try FileManager.default.moveItem(
                atPath: "\(directory)/new/\(id).eml", toPath: "\(directory)/\(folder)/\(id).eml")
        } catch {
            throw MailboxError("cannot move \(id).eml to \(directory)/\(folder): \(error.localizedDescription)")
        }
    }

    public func check() throws(MailboxError) {}

    public func finish() {}
}
