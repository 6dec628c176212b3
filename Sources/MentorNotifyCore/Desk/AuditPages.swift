import Desk
import Foundation
import MentorModel
import MentorStore

/// The audit: `audit --days N --json` as a page. The log's ids are read by what each command
/// records (SPEC.md "audit"): people and forløb are shown by name and linked when the leader may
/// see them. An entry is shown when it touched something of the leader's (a person or forløb they
/// may see, one of their programs), or when the leader made it; another program's changes are not.
enum AuditPages {
    static let routes = [DeskRoute("GET", "audit", page)]

    typealias Cell = AdminPageParts.Cell

    /// What a command's ids are, in the order it records them.
    enum Record {
        case person, pair, other
    }

    static func records(_ command: String, keys: [String], count: Int) -> [Record] {
        let first: [Record]
        switch command {
        case "person add", "person edit", "person opt-out", "person opt-in", "forget": first = [.person]
        case "reminder add": first = [.person]
        case "match": first = [.person, .person, .pair]
        case "extend", "end", "contact", "meeting", "evaluated": first = [.pair]
        case "import" where keys.first == "people": return Array(repeating: .person, count: count)
        case "import" where keys.first == "relationships": return Array(repeating: .pair, count: count)
        default: first = []
        }
        return (0..<count).map { $0 < first.count ? first[$0] : .other }
    }

    static func page(_ call: DeskCall) throws -> DeskResult {
        let days = call.form.given("days").flatMap { Int($0) }.map { min(max($0, 1), 3660) } ?? 30
        let entries = try call.json(["audit", "--days", String(days), "--json"]).array
        let visible = try AdminPageParts.visiblePeople(call)
        let names = try call.json(["person", "list", "--json"]).array.reduce(into: [Int64: String]()) { names, person in
            if let id = person["id"].int {
                names[id] = person["forgotten"].bool == true ? call.word("audit", "forgotten") : person["name"].text
            }
        }
        let programs = Set(call.leader.programs)
        let pairs = try call.actions.withStore { store in
            Dictionary(
                try store.relationships().filter { programs.contains($0.program) }.map { ($0.id, $0) },
                uniquingKeysWith: { first, _ in first })
        }
        var rows: [[Cell]] = []
        let headers = ["when", "who", "what", "records"].map { call.word("audit", $0) }
        for entry in entries.reversed() {
            let ids = entry["ids"].array.compactMap(\.int)
            let keys = entry["keys"].array.compactMap(\.string)
            let kinds = records(entry["command"].text, keys: keys, count: ids.count)
            var shown = Markup()
            var theirs = entry["actor"].text == "desk:" + call.leader.name || !programs.isDisjoint(with: keys)
            var others = 0
            for (id, kind) in zip(ids, kinds) {
                switch kind {
                case .person where visible.contains(id):
                    theirs = true
                    if !shown.html.isEmpty { shown.raw(", ") }
                    shown.append(
                        AdminPageParts.link("/desk/people/\(id)", names[id] ?? call.word("audit", "forgotten")))
                case .pair:
                    guard let pair = pairs[id] else { fallthrough }
                    theirs = true
                    if !shown.html.isEmpty { shown.raw(", ") }
                    let forgotten = call.word("audit", "forgotten")
                    let both = call.word(
                        "audit", "pair",
                        ["mentor": names[pair.mentorID] ?? forgotten, "mentee": names[pair.menteeID] ?? forgotten])
                    shown.append(AdminPageParts.link("/desk/pairs/\(id)", both))
                default:
                    others += 1
                }
            }
            guard theirs else { continue }
            // A contact's or meeting's own id says nothing more once its forløb is named.
            if others > 0 && shown.html.isEmpty {
                shown.text(call.word("audit", "others", ["count": String(others)]))
            }
            rows.append([
                Cell(headers[0], text: AdminPageParts.when(entry["at"].text)),
                Cell(headers[1], text: actor(entry["actor"].text, call)),
                Cell(headers[2], text: command(entry["command"].text, call)),
                Cell(headers[3], html: shown),
            ])
        }
        var body = AdminPageParts.paragraph(call.word("audit", "intro", ["days": String(days)]))
        body.append(
            rows.isEmpty ? AdminPageParts.paragraph(call.word("audit", "none")) : AdminPageParts.table(headers, rows))
        return .page(DeskPage(title: call.word("audit", "title"), body: body, section: "audit"))
    }

    /// `desk:Louise` as "Louise (skrivebordet)", a Unix user as "karin (på serveren)".
    static func actor(_ recorded: String, _ call: DeskCall) -> String {
        if recorded.hasPrefix("desk:") {
            return call.word("audit", "actor-desk", ["name": String(recorded.dropFirst("desk:".count))])
        }
        return call.word("audit", "actor-server", ["name": recorded])
    }

    /// The commands the audit records, each said in words (`[audit] command-…`).
    static let commandsInWords: Set<String> = [
        "person add", "person edit", "person opt-out", "person opt-in", "forget", "match", "extend", "end", "contact",
        "contact fix", "contact remove", "meeting", "meeting move", "meeting cancel", "evaluated", "cafe add",
        "cafe cancel", "reminder add", "reminder stop", "reminder pause", "import", "outbox retry", "restore",
        "desk link",
    ]

    /// `meeting move` as "flyttede et møde"; a command without words (an older row) as it was typed.
    static func command(_ name: String, _ call: DeskCall) -> String {
        guard commandsInWords.contains(name) else { return name }
        return call.word("audit", "command-" + name.replacingOccurrences(of: " ", with: "-"))
    }
}
