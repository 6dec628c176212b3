// Fuzz target: the validators never crash, and what they accept has the promised shape.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValidators(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let phone = try? Validate.phone(text) {
        precondition(phone.hasPrefix("+") && phone.dropFirst().allSatisfy { $0.isASCII && $0.isNumber })
        precondition((9...16).contains(phone.count) && !phone.hasPrefix("+0"))
    }
    if let email = try? Validate.email(text) {
        precondition(email.filter { $0 == "@" }.count == 1)
        precondition(!email.unicodeScalars.contains { $0.value < 0x20 || $0 == "<" || $0 == ">" || $0 == " " })
    }
    if let date = try? Validate.date(text) {
        precondition(LocalDate(date.description) == date)
        precondition(LocalDate(dayNumber: date.dayNumber) == date)
        precondition(date.adding(months: 1).day <= 31 && date.adding(days: 1) > date)
    }
    if let date = try? Validate.spreadsheetDate(text) {
        // Every form read is a real date in range, and its ISO form reads back as the same date.
        precondition(Validate.years.contains(date.year))
        precondition((try? Validate.spreadsheetDate(date.description)) == date)
        precondition(LocalDate(year: date.year, month: date.month, day: date.day) == date)
    }
    if let moment = try? Validate.dateTime(text) { precondition(LocalDateTime(moment.description) == moment) }
    if let minutes = try? Validate.minutes(text) { precondition((1...1440).contains(minutes)) }
    if let name = try? Validate.name(text) {
        precondition(!name.isEmpty && !name.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" })
    }
    _ = try? Channel.parseList(text)
    _ = try? PersonalReminder.parseWeekdays(text)
    return 0
}
