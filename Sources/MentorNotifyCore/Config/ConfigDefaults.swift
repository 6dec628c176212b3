import Foundation
import MentorModel
import Notifier
import Scheduler

/// The built-in defaults: what runs when there is no config file (and what `demo` starts from).
extension Config {
    /// The names the built-in programs sign their messages with.
    static let builtInNames = [
        "mentorshoppen": "Mentorshoppen", "djoef": "Djøfs mentorprogram", "fki": "FKI's dimittendmentorordning",
        "symb": "SYMB MentorKorps", "lab": "Mentorordningen",
    ]

    /// The first names of the built-in programs' (fictional) daily leaders.
    static let builtInLeaders = [
        "mentorshoppen": "Elias", "djoef": "Mette", "fki": "Jonas", "symb": "Louise", "lab": "Karin",
    ]

    /// The built-in defaults: every preset as a program of its own name, spool delivery.
    public static func builtIn() -> Config {
        var config = Config()
        config.programs = ProgramSettings.presetNames.compactMap { name in
            var program = ProgramSettings.preset(name, id: name, name: builtInNames[name])
            program?.leaders = [Leader(name: builtInLeaders[name] ?? "Karin", email: "leder@example.dk")]
            if name == "mentorshoppen" {
                program?.cafe = CafeSchedule(
                    weekday: 3, time: LocalTime(hour: 18, minute: 0)!, everyWeeks: 2,
                    from: LocalDate(year: 2026, month: 1, day: 7)!, place: "Mentorshoppen")
            }
            return program
        }
        // The defaults are this executable's (which the idle plan's fingerprint names): they stand
        // for their settings as a file's bytes do, while the settings are still the defaults'.
        config.loaded = Loaded(bytes: Data("built-in defaults".utf8), settings: config.schedulerSettings)
        return config
    }
}
