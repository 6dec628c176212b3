import Desk
import Foundation
import MentorModel
import MentorStore

/// The board's figures: `report year --csv` and `report hours --csv` for each of the leader's
/// programs, as tables and as the command's CSV to download (UTF-8 with BOM, `;`, decimal comma).
enum ReportPages {
    static let routes = [
        DeskRoute("GET", "reports", page),
        DeskRoute("GET", "reports/year.csv", { try download($0, report: "year") }),
        DeskRoute("GET", "reports/hours.csv", { try download($0, report: "hours") }),
    ]

    typealias Cell = AdminPageParts.Cell

    /// The year and month asked for, this year and month when not.
    static func period(_ call: DeskCall) -> (year: String, month: String) {
        let today = call.actions.config.zone.local(Int64(Date().timeIntervalSince1970)).date.description
        let year =
            call.form.given("year").flatMap { $0.count == 4 && Int($0) != nil ? $0 : nil } ?? String(today.prefix(4))
        let month = call.form.given("month").flatMap { YearMonth($0)?.description } ?? String(today.prefix(7))
        return (year, month)
    }

    /// The words of one report for one program (`report year --year Y --program P --csv`).
    static func words(_ report: String, _ period: (year: String, month: String), program: String) -> [String] {
        report == "year"
            ? ["report", "year", "--year", period.year, "--program", program, "--csv"]
            : ["report", "hours", "--month", period.month, "--program", program, "--csv"]
    }

    static func page(_ call: DeskCall) throws -> DeskResult {
        let period = period(call)
        var body = Markup()
        body.open("form", [("method", "get"), ("action", "/desk/reports"), ("class", "card")])
        body.raw("\n")
        body.append(FormMarkup.field("year", label: call.word("reports", "year"), value: period.year, type: "number"))
        body.append(FormMarkup.field("month", label: call.word("reports", "month"), value: period.month, type: "month"))
        body.raw("<button type=\"submit\">")
        body.text(call.word("reports", "show-button"))
        body.raw("</button>\n</form>\n")
        for program in call.leader.programs {
            let name = AdminPageParts.programName(call, program)
            body.append(
                AdminPageParts.heading(call.word("reports", "year-title", ["program": name, "year": period.year])))
            let year = try table(call, words("year", period, program: program))
            body.append(
                AdminPageParts.table(
                    [call.word("reports", "figure"), call.word("reports", "value")],
                    year.rows.map { row in
                        [
                            Cell(call.word("reports", "figure"), text: figure(call, row.first ?? "")),
                            Cell(call.word("reports", "value"), text: row.dropFirst().joined(separator: " ")),
                        ]
                    }))
            body.append(downloadLink(call, "year", ["year": period.year, "program": program]))
            body.append(
                AdminPageParts.heading(call.word("reports", "hours-title", ["program": name, "month": period.month])))
            let hours = try table(call, words("hours", period, program: program))
            if hours.rows.isEmpty {
                body.append(AdminPageParts.paragraph(call.word("reports", "no-pairs")))
            } else {
                body.append(hoursTable(call, hours))
            }
            body.append(downloadLink(call, "hours", ["month": period.month, "program": program]))
        }
        return .page(DeskPage(title: call.word("reports", "title"), body: body, section: "reports"))
    }

    /// The figures `report year` always has, in the leader's words; the ones it names by a reason,
    /// role, channel or status (`ended moved`, `messages sms sent`) keep the command's words.
    static let figures = [
        "pairs running", "pairs started", "ended as planned", "average months", "contact hours",
        "median minutes per pair-month", "share of pair-months at target", "cafe evenings", "cafe yes-answers",
        "opt-outs",
    ]

    static func figure(_ call: DeskCall, _ label: String) -> String {
        guard figures.contains(label) else { return label }
        return call.word("reports", "figure-" + label.replacingOccurrences(of: " ", with: "-"))
    }

    /// The pairs' minutes against the target; the pair's names link to it.
    static func hoursTable(_ call: DeskCall, _ hours: (header: [String], rows: [[String]])) -> Markup {
        let headers = ["mentor", "mentee", "minutes", "target", "status"].map { call.word("reports", $0) }
        func column(_ row: [String], _ name: String) -> String {
            guard let index = hours.header.firstIndex(of: name), index < row.count else { return "" }
            return row[index]
        }
        return AdminPageParts.table(
            headers,
            hours.rows.map { row in
                let pair = "/desk/pairs/" + column(row, "relationship")
                return [
                    Cell(headers[0], html: AdminPageParts.link(pair, column(row, "mentor"))),
                    Cell(headers[1], html: AdminPageParts.link(pair, column(row, "mentee"))),
                    Cell(headers[2], text: column(row, "minutes")), Cell(headers[3], text: column(row, "target")),
                    Cell(
                        headers[4],
                        text: call.word(
                            "reports", "status-" + column(row, "status").replacingOccurrences(of: " ", with: "-"))),
                ]
            })
    }

    static func downloadLink(_ call: DeskCall, _ report: String, _ query: [String: String]) -> Markup {
        let path =
            "/desk/reports/\(report).csv?"
            + query.sorted { $0.key < $1.key }.map { "\($0.key)=\(CafePages.query($0.value))" }.joined(separator: "&")
        var html = Markup()
        html.raw("<p>")
        html.append(AdminPageParts.link(path, call.word("reports", "download-" + report)))
        html.raw("</p>\n")
        return html
    }

    /// The command's CSV read back into its header and rows.
    static func table(_ call: DeskCall, _ words: [String]) throws -> (header: [String], rows: [[String]]) {
        let outcome = call.run(words)
        guard outcome.succeeded else { throw DeskFailure.command(outcome.error) }
        guard let csv = try? CSVFile(bytes: Array(outcome.output.utf8)) else {
            throw DeskFailure.command(call.word("reports", "unreadable"))
        }
        return (csv.header, csv.records.map(\.fields))
    }

    /// The command's `--csv` output as it is, for one of the leader's programs.
    static func download(_ call: DeskCall, report: String) throws -> DeskResult {
        guard let program = call.form["program"], call.leader.programs.contains(program) else { return .notFound }
        let period = period(call)
        let outcome = call.run(words(report, period, program: program))
        guard outcome.succeeded else { throw DeskFailure.command(outcome.error) }
        let name = report == "year" ? "\(program)-\(period.year).csv" : "\(program)-hours-\(period.month).csv"
        return .download(name: name, contentType: "text/csv; charset=utf-8", bytes: Array(outcome.output.utf8))
    }
}
