import Foundation
import MentorModel
import MentorStore

/// What `forget` says about backups (SPEC.md "Backups"): a copy made before the person was
/// forgotten still holds them, and nothing but pruning (or a person) removes it. Each copy in the
/// backup folder is asked, read-only, whether it holds the person unerased; one that cannot be
/// read counts as holding them. The day the last of them goes follows from where the newest of
/// them stands among the copies and `keep`, with one backup a day (the package's timer).
struct ForgottenInBackups {
    var folder: String
    var keep: Int
    /// The copies, oldest first, and which of them hold the person.
    var copies: [BackupFolder.Copy]
    var holding: [BackupFolder.Copy]

    init(person: Int64, settings: BackupSettings) {
        folder = settings.dir
        keep = settings.keep
        copies = BackupFolder(path: settings.dir).copies()
        holding = copies.filter { copy in
            OnlineBackup.holds(copy.path, "SELECT count(*) FROM person WHERE id = ? AND forgotten_at IS NULL", person)
                != false
        }
    }

    /// How many more backups until the newest copy that holds the person is pruned.
    var backupsUntilGone: Int? {
        guard let newestHolding = holding.last, let index = copies.lastIndex(of: newestHolding) else { return nil }
        let newerCopies = copies.count - 1 - index
        return max(1, keep - newerCopies)
    }

    /// The day the last copy holding the person is removed, with one backup a day from the newest
    /// copy (or from yesterday, when backups have not run since).
    func lastRemoved(today: LocalDate, zone: Zone) -> LocalDate? {
        guard let runs = backupsUntilGone, let newest = copies.last else { return nil }
        let base = max(zone.local(newest.at).date.dayNumber, today.dayNumber - 1)
        return LocalDate(dayNumber: base + runs)
    }

    func lines(person: Int64, today: LocalDate, zone: Zone) -> [String] {
        guard !holding.isEmpty, let runs = backupsUntilGone, let day = lastRemoved(today: today, zone: zone) else {
            return copies.isEmpty ? [] : ["no backup in \(folder) holds person \(person)"]
        }
        return [
            "backups in \(folder) that still hold person \(person): "
                + holding.map(\.name).joined(separator: ", "),
            "the last of them is removed on \(day) by the backup made that day (\(runs) more "
                + "backup\(runs == 1 ? "" : "s"), with one a day and backup.keep \(keep)); delete them by hand to "
                + "erase the person sooner. Copies kept elsewhere (another --to, off this machine) are not seen here.",
        ]
    }
}
