import Foundation
import MentorModel
import MentorStore
import Scheduler

/// `report year`: the board's numbers per program and in all, without a name (the figures are
/// defined in the man page). A year still running is counted up to today.
enum ReportYear {
    static func run(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(
            words, command: "report year", options: ["year", "program"], switches: ["csv", "json"])
        try args.noPositionals()
        let raw = try args.required("year")
        guard raw.count == 4, let year = Int(raw), (1900...9999).contains(year) else {
            throw CLIError(.dataError, "report year: --year '\(raw)' is not a year; write YYYY")
        }
        guard !(args.flag("csv") && args.flag("json")) else {
            throw CLIError(.usage, "report year: give --csv or --json, not both")
        }
        let config = context.config
        let only = args.value("program")
        let store = try context.openStore()
        let figures = try store.read {
            try figuresOf(store: store, config: config, year: year, today: context.today, only: only)
        }
        if args.flag("json") {
            context.output.json(array: figures.map(json))
            return
        }
        let table = rows(figures)
        if args.flag("csv") {
            context.output.write(
                CSVWriter.document(
                    header: ["figure"] + figures.map(\.program),
                    rows: table.map { [$0.label] + $0.values.map(csvNumber) }))
        } else {
            let period = YearPeriod(year: year, today: context.today)
            if period.end < YearMonth(year: year + 1, month: 1).firstDay {
                context.output.line("\(year) up to \(period.end.adding(days: -1)) (the year is not over)")
            }
            context.output.table(
                ["FIGURE"] + figures.map { $0.program.uppercased() },
                table.map { [$0.label] + $0.values.map(textNumber) })
        }
    }

    /// One program's figures (of the config, or one the database still holds), or each program's
    /// and `all`.
    static func figuresOf(store: Store, config: Config, year: Int, today: LocalDate, only: String?) throws
        -> [YearFigures]
    {
        let period = YearPeriod(year: year, today: today)
        let from = config.zone.instant(period.first, .midnight)
        let to = config.zone.instant(period.end, .midnight)
        let relationships = try store.relationships()
        let minutes = try store.minutesByMonth(period: period)
        let targets = Dictionary(
            config.programs.map { ($0.id, $0.monthlyTarget) }, uniquingKeysWith: { first, _ in first })
        func figures(_ program: String?) throws -> YearFigures {
            var result = YearFigures.pairs(
                program: program ?? "all",
                relationships: relationships.filter { program == nil || $0.program == program },
                minutes: minutes, period: period, target: { targets[$0.program] ?? nil })
            try store.countYear(into: &result, program: program, period: period, from: from, to: to)
            return result
        }
        if let only {
            // A program taken out of the config still has its years in the database.
            if !relationships.contains(where: { $0.program == only }) { _ = try config.program(only) }
            return [try figures(only)]
        }
        let programs = Set(config.programs.map(\.id)).union(relationships.map(\.program)).sorted()
        return try programs.map(figures) + [try figures(nil)]
    }

    /// A figure's line: its label and one value per program, nil where there is nothing to measure.
    struct Row {
        var label: String
        var values: [Double?]
    }

    static func rows(_ figures: [YearFigures]) -> [Row] {
        func row(_ label: String, _ value: (YearFigures) -> Double?) -> Row {
            Row(label: label, values: figures.map(value))
        }
        func count(_ label: String, _ value: (YearFigures) -> Int) -> Row {
            row(label) { Double(value($0)) }
        }
        func keyed(_ label: String, _ map: (YearFigures) -> [String: Int]) -> [Row] {
            Set(figures.flatMap { map($0).keys }).sorted().map { key in count("\(label) \(key)") { map($0)[key] ?? 0 } }
        }
        let channels = Set(figures.flatMap { $0.messages.keys }).sorted()
        let messages = channels.flatMap { channel in
            Set(figures.flatMap { ($0.messages[channel] ?? [:]).keys }).sorted().map { status in
                count("messages \(channel) \(status)") { $0.messages[channel]?[status] ?? 0 }
            }
        }
        return [count("pairs running", \.running), count("pairs started", \.started)]
            + keyed("ended", \.ended)
            + [
                count("ended as planned", \.endedAsPlanned), row("average months", \.averageMonths),
                row("contact hours") { Double($0.contactMinutes) / 60 },
                row("median minutes per pair-month", \.medianMinutesPerPairMonth),
                row("share of pair-months at target") { $0.shareMonthsAtTarget.map { $0 * 100 } },
            ]
            + keyed("evaluations asked", \.evaluationsAsked) + keyed("evaluations returned", \.evaluationsReturned)
            + [count("cafe evenings", \.cafeEvenings), count("cafe yes-answers", \.cafeYes)]
            + messages + [count("opt-outs", \.optOuts)]
    }

    /// A whole number as it is, else one decimal; `-` where there is nothing to measure.
    static func textNumber(_ value: Double?) -> String {
        guard let value else { return "-" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// As `textNumber`, with a decimal comma (what Danish Excel reads as a number) and empty for none.
    static func csvNumber(_ value: Double?) -> String {
        value == nil ? "" : textNumber(value).replacingOccurrences(of: ".", with: ",")
    }

    static func json(_ figures: YearFigures) -> JSON {
        func counts(_ map: [String: Int]) -> JSON {
            .object(map.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })
        }
        func number(_ value: Double?) -> JSON { value.map(JSON.number) ?? .null }
        return .object([
            ("program", .string(figures.program)),
            ("running", .int(Int64(figures.running))),
            ("started", .int(Int64(figures.started))),
            ("ended", counts(figures.ended)),
            ("endedAsPlanned", .int(Int64(figures.endedAsPlanned))),
            ("averageMonths", number(figures.averageMonths)),
            ("contactMinutes", .int(Int64(figures.contactMinutes))),
            ("medianMinutesPerPairMonth", number(figures.medianMinutesPerPairMonth)),
            ("shareMonthsAtTarget", number(figures.shareMonthsAtTarget)),
            ("evaluationsAsked", counts(figures.evaluationsAsked)),
            ("evaluationsReturned", counts(figures.evaluationsReturned)),
            ("cafeEvenings", .int(Int64(figures.cafeEvenings))),
            ("cafeYes", .int(Int64(figures.cafeYes))),
            ("messages", .object(figures.messages.sorted { $0.key < $1.key }.map { ($0.key, counts($0.value)) })),
            ("optOuts", .int(Int64(figures.optOuts))),
        ])
    }
}
