import Foundation
import MentorModel

/// The copies in a backup folder: only files named as `backup` names them
/// (`mentor-notify-YYYYMMDD-HHMMSS.db`) are ours, so pruning never touches anything else there.
///
/// The name's time is UTC: local time repeats an hour each autumn, and names must sort as the
/// moments they were taken. It is the moment the copy was taken for (`--at`, else the clock), and
/// a copy's age is read from its name, which survives `cp` and `rsync` where the file's mtime may not.
struct BackupFolder {
    let path: String

    struct Copy: Equatable {
        let path: String
        let name: String
        /// When it was taken (Unix time), from its name.
        let at: Int64
    }

    static let prefix = "mentor-notify-"

    static func name(at moment: Int64) -> String {
        let day = moment >= 0 ? moment / 86_400 : (moment - 86_399) / 86_400
        let date = LocalDate(dayNumber: Int(day))
        let second = Int(moment - day * 86_400)
        return prefix + LocalDate.pad(date.year, 4) + LocalDate.pad(date.month, 2) + LocalDate.pad(date.day, 2) + "-"
            + LocalDate.pad(second / 3600, 2) + LocalDate.pad(second / 60 % 60, 2) + LocalDate.pad(second % 60, 2)
            + ".db"
    }

    /// The moment a name says it was taken; nil for any other name.
    static func moment(ofName name: String) -> Int64? {
        let bytes = Array(name.utf8)
        guard bytes.count == prefix.utf8.count + 18, name.hasPrefix(prefix), name.hasSuffix(".db"),
            bytes[prefix.utf8.count + 8] == UInt8(ascii: "-")
        else { return nil }
        let start = prefix.utf8.count
        func number(_ offset: Int, _ count: Int) -> Int? {
            let digits = bytes[(start + offset)..<(start + offset + count)]
            guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        guard let year = number(0, 4), let month = number(4, 2), let day = number(6, 2), let hour = number(9, 2),
            let minute = number(11, 2), let second = number(13, 2), hour < 24, minute < 60, second < 60,
            let date = LocalDate(year: year, month: month, day: day)
        else { return nil }
        return Int64(date.dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Our copies, oldest first; none when the folder is missing or unreadable.
    func copies() -> [Copy] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.compactMap { name in
            BackupFolder.moment(ofName: name).map {
                Copy(path: (path as NSString).appendingPathComponent(name), name: name, at: $0)
            }
        }.sorted { $0.at < $1.at }
    }

    var newest: Copy? { copies().last }

    /// Removes the oldest copies beyond the newest `keep`, never `sparing` (the copy just taken,
    /// even when `--at` dated it before the others). Returns the names removed.
    func prune(keep: Int, sparing: String) -> [String] {
        let all = copies()
        let kept = Set(all.suffix(keep).map(\.name) + [sparing])
        removeAbandoned()
        return all.filter { !kept.contains($0.name) && unlink($0.path) == 0 }.map(\.name)
    }

    /// The temporary files of copies that were never finished (a backup killed midway), once they
    /// are a day old: a backup running now is never that old.
    private func removeAbandoned() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let dayAgo = Date().addingTimeInterval(-86_400)
        for name in names where name.hasPrefix("." + BackupFolder.prefix) && name.hasSuffix(".tmp") {
            let file = (path as NSString).appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date
            if let modified, modified < dayAgo { unlink(file) }
        }
    }
}
