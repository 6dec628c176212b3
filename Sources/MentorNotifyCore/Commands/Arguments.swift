/// The arguments of one command: `--name value` options, `--flag` switches and positionals.
struct Arguments {
    private var values: [String: String] = [:]
    private var flags: Set<String> = []
    private(set) var positionals: [String] = []
    let command: String

    /// Parses `words` given the options that take a value and the switches the command knows.
    init(_ words: [String], command: String, options: Set<String>, switches: Set<String> = []) throws(CLIError) {
        self.command = command
        var index = 0
        while index < words.count {
            let word = words[index]
            if word.hasPrefix("--") {
                var name = String(word.dropFirst(2))
                var inline: String?
                if let equals = name.firstIndex(of: "=") {
                    inline = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                if options.contains(name) {
                    if let inline {
                        values[name] = inline
                    } else {
                        index += 1
                        guard index < words.count else {
                            throw CLIError(
                                .usage, "\(command): --\(name) needs a value; see `mentor-notify \(command) --help`")
                        }
                        values[name] = words[index]
                    }
                } else if switches.contains(name) && inline == nil {
                    flags.insert(name)
                } else {
                    throw CLIError(
                        .usage, "\(command): unknown option --\(name); see `mentor-notify \(command) --help`")
                }
            } else {
                positionals.append(word)
            }
            index += 1
        }
        AuditLog.recorder?.note(positionals: positionals, options: values, dryRun: flags.contains("dry-run"))
    }

    func value(_ name: String) -> String? { values[name] }

    func required(_ name: String) throws(CLIError) -> String {
        guard let value = values[name] else {
            throw CLIError(.usage, "\(command): --\(name) is required; see `mentor-notify \(command) --help`")
        }
        return value
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The single positional argument (an id), parsed as a number.
    func id(_ what: String) throws(CLIError) -> Int64 {
        guard positionals.count == 1 else {
            throw CLIError(.usage, "\(command): give exactly one \(what) id; see `mentor-notify \(command) --help`")
        }
        guard let id = Int64(positionals[0]), id > 0 else {
            throw CLIError(.dataError, "\(command): '\(positionals[0])' is not a \(what) id (a whole number)")
        }
        return id
    }

    /// `--days N`: a number of days in `range`, `fallback` when not given.
    func days(in range: ClosedRange<Int>, fallback: Int) throws(CLIError) -> Int {
        guard let raw = value("days") else { return fallback }
        guard let days = Int(raw), range.contains(days) else {
            throw CLIError(
                .dataError,
                "\(command): --days must be a number of days from \(range.lowerBound) to \(range.upperBound)")
        }
        return days
    }

    func noPositionals() throws(CLIError) {
        if let extra = positionals.first {
            throw CLIError(.usage, "\(command): unexpected argument '\(extra)'; see `mentor-notify \(command) --help`")
        }
    }

    func number(_ name: String) throws(CLIError) -> Int64 {
        let raw = try required(name)
        guard let value = Int64(raw), value > 0 else {
            throw CLIError(.dataError, "\(command): --\(name) '\(raw)' is not an id (a whole number)")
        }
        return value
    }
}
