import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler
import WebhookAuth

/// Whether a cycle may leave out planning: the last plan was made from the same data (the store's
/// `ChangeMark`), the same config and texts (`fingerprint`), for the cycle this one catches up from,
/// and no rule's outcome can have changed since (`now` is before the plan's next change). Planning
/// again would then enqueue nothing, withdraw nothing and find nothing stale: an idle cycle costs a
/// constant, not a pass over every forløb. Anything missing or unreadable means: plan.
struct IdlePlan: Equatable {
    var fingerprint: String
    var changeMark: Int64
    /// The moment the plan was made for (or a skipped cycle's, which had the same plan).
    var plannedAt: Int64
    /// When the plan can next differ (`Scheduler.planWithNextChange`).
    var nextChange: Int64

    static let metaKey = "idle_plan"

    var stored: String { "\(fingerprint) \(changeMark) \(plannedAt) \(nextChange)" }

    init(fingerprint: String, changeMark: Int64, plannedAt: Int64, nextChange: Int64) {
        self.fingerprint = fingerprint
        self.changeMark = changeMark
        self.plannedAt = plannedAt
        self.nextChange = nextChange
    }

    init?(stored: String) {
        let parts = stored.split(separator: " ")
        guard parts.count == 4, let mark = Int64(parts[1]), let at = Int64(parts[2]), let next = Int64(parts[3])
        else { return nil }
        self.init(fingerprint: String(parts[0]), changeMark: mark, plannedAt: at, nextChange: next)
    }

    /// The last plan's mark, if this cycle at `now`, catching up from `since`, would plan the same.
    static func unchanged(_ store: Store, fingerprint: String, since: Int64?, now: Int64) throws -> IdlePlan? {
        guard let text = try store.meta(metaKey), let last = IdlePlan(stored: text),
            last.fingerprint == fingerprint, since == last.plannedAt, last.plannedAt <= now, now < last.nextChange,
            let mark = try store.changeMark(), mark == last.changeMark
        else { return nil }
        return last
    }

    func record(_ store: Store) throws { try store.setMeta(IdlePlan.metaKey, stored) }

    /// Forgets the mark: the next cycle plans.
    static func clear(_ store: Store) throws { try store.setMeta(metaKey, "") }

    /// A digest of what planning and rendering read besides the store: the scheduler's settings,
    /// retention, the texts, and the program itself (its version and executable file). Values,
    /// not identities: sets and dictionaries are written in sorted order, so two processes with the
    /// same config agree. Secrets are not part of it.
    static func fingerprint(config: Config, catalog: TemplateCatalog) -> String {
        var text = "\(CLI.version)\n\(executableStamp())\n\(config.retentionDays)\n"
        // The settings as read from the config file: the same bytes give the same settings in this
        // program. The walk by reflection cost tens of milliseconds a process (the runtime looks up
        // each type's conformances). A config built or changed in memory is walked.
        let settings = config.schedulerSettings
        if let loaded = config.loaded, same(loaded.settings, settings) {
            text += "file " + Hex.lowercase(HMACDigest.sha256(key: Array("config".utf8), data: Array(loaded.bytes)))
        } else {
            canonical(settings, into: &text)
        }
        text += "\n"
        // The texts as read from their files (a tenth of a millisecond); walking the loaded catalog
        // by reflection cost tens of milliseconds a cycle. A catalog built in memory is walked.
        if catalog.sources.isEmpty {
            canonical(catalog, into: &text)
        } else {
            text += catalog.sources.joined(separator: "\u{0}")
        }
        return Hex.lowercase(HMACDigest.sha256(key: Array("mentor-notify idle plan".utf8), data: Array(text.utf8)))
    }

    /// The fields of `SchedulerSettings`, each compared (`ProgramSettings` by its synthesized `==`,
    /// which covers every field it has). IdleTickTests fails when the type gains a field not listed.
    static let comparedSettings = ["zone", "windowFrom", "windowTo", "programs", "repliesRead"]

    static func same(_ a: SchedulerSettings, _ b: SchedulerSettings) -> Bool {
        a.zone.identifier == b.zone.identifier && a.windowFrom == b.windowFrom && a.windowTo == b.windowTo
            && a.programs == b.programs && a.repliesRead == b.repliesRead
    }

    /// The running executable's size, modification time and inode: a new build plans again.
    static func executableStamp() -> String {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "unknown-\(getpid())" }
        return "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino)"
    }

    /// A value written out field by field, sets and dictionaries in sorted order.
    static func canonical(_ value: Any, into text: inout String) {
        // A zone is its name: it also holds a cache of offsets and a lock, which differ by process.
        if let zone = value as? Zone {
            text += "Zone(\(zone.identifier))"
            return
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .set, .dictionary:
            let items = mirror.children.map { child in
                var item = ""
                canonical(child.value, into: &item)
                return item
            }
            text += "{" + items.sorted().joined(separator: ",") + "}"
        case .optional:
            if let child = mirror.children.first { canonical(child.value, into: &text) } else { text += "nil" }
        default:
            guard !mirror.children.isEmpty else {
                // An object shows its address (a compiled pattern, say): its type is what stays.
                text += mirror.displayStyle == .class ? "\(mirror.subjectType)" : String(reflecting: value)
                return
            }
            text += "\(mirror.subjectType)("
            for child in mirror.children {
                text += (child.label ?? "") + ":"
                canonical(child.value, into: &text)
                text += ";"
            }
            text += ")"
        }
    }
}
