import Foundation
public import MentorModel
import MentorStore
public import Notifier
public import Scheduler
public import Transport

/// The whole configuration: SPEC.md's JSON, or the built-in defaults when there is no file.
public struct Config: Sendable {
    public var database: String?
    public var zone: Zone = .copenhagen
    public var windowFrom = LocalTime(hour: 9, minute: 0)!
    public var windowTo = LocalTime(hour: 20, minute: 0)!
    public var email: EmailSettings?
    public var sms: SMSSettings?
    /// Where answers come back (SPEC.md "Replies"); nil: no message invites an answer.
    public var replies: RepliesSettings?
    /// The web endpoint (`run` serves it); nil: no HTTP unless systemd hands over a socket.
    public var http: HTTPSettings?
    /// The leader's desk (SPEC.md "The leader's desk"), served by `run` under `PUBLIC/desk/`.
    public var desk = DeskSettings()
    public var spool = "./spool"
    public var templates = "./templates"
    public var programs: [ProgramSettings] = []
    /// `status` exits non-zero when the last cycle is older than this.
    public var statusMaxAgeMinutes = 10
    /// Bodies of sent messages are deleted after this many days; the row stays.
    public var retentionDays = 90
    /// The daemon's cycle interval.
    public var cycleSeconds = 60
    /// Where `backup` writes and how many copies it keeps; nil: no `backup` section, so `status`
    /// does not judge the backups' age (the command still runs with the defaults).
    public var backup: BackupSettings?
    /// Where the values came from, for `check` and logs.
    public var source = "built-in defaults"
    /// The file's bytes as read and the scheduler settings they gave (`load(path:)`): while
    /// `schedulerSettings` is still that, the bytes stand for the settings (`IdlePlan.fingerprint`).
    var loaded: Loaded?

    struct Loaded: Sendable {
        var bytes: Data
        var settings: SchedulerSettings
    }

    public init() {}

    public var schedulerSettings: SchedulerSettings {
        var settings = SchedulerSettings(zone: zone, windowFrom: windowFrom, windowTo: windowTo, programs: programs)
        settings.repliesRead = replies != nil || smsRepliesRead
        return settings
    }

    /// SMS answers are read when an SMS gateway is configured and the web endpoint its webhooks
    /// reach (`http`): the texts sent by SMS then say what to answer.
    public var smsRepliesRead: Bool { sms != nil && http != nil }

    /// Whether answers to messages on `channel` are read: email by `replies`, SMS by the webhooks.
    public func readsReplies(on channel: Channel) -> Bool {
        channel == .email ? replies != nil : smsRepliesRead
    }

    /// The config's share of the SMS worst case: its longest program and contact names and forms,
    /// and each program's own words.
    var smsLongest: SMSLength.Longest {
        var longest = SMSLength.Longest(
            programs: programs.map(\.name), contacts: programs.flatMap(\.contactNames),
            forms: programs.flatMap { [$0.evaluationFormMentor, $0.evaluationFormMentee].compactMap { $0 } })
        for language in Language.allCases {
            longest.programTexts[language] = programs.map { $0.textVariables(language) }
        }
        return longest
    }

    /// The program a command's `--program` names. An unknown one is the argument's mistake, not
    /// the config's (exit 65, with the programs there are).
    public func program(_ id: String) throws(InputError) -> ProgramSettings {
        guard let program = programs.first(where: { $0.id == id }) else {
            throw InputError(
                "--program",
                "there is no program '\(id)'; the programs are \(programs.map(\.id).joined(separator: ", "))")
        }
        return program
    }
}

/// `desk` in the config: whether `run` serves the leader's desk (it needs `http` with `publicURL`).
public struct DeskSettings: Sendable, Hashable {
    public var enabled = false

    public init(enabled: Bool = false) {
        self.enabled = enabled
    }
}
