public import MentorModel

/// Who wrote: the people with an address or number, as a reply's sender gives it.
extension Store {
    /// People (not forgotten) with this email address, compared without case.
    public func people(email: String) throws -> [Person] {
        try database.query(
            "SELECT \(Store.personColumns) FROM person WHERE lower(email) = lower(?) AND forgotten_at IS NULL",
            [email], Store.person)
    }

    /// People (not forgotten) with this phone number (E.164).
    public func people(phone: String) throws -> [Person] {
        try database.query(
            "SELECT \(Store.personColumns) FROM person WHERE phone = ? AND forgotten_at IS NULL", [phone],
            Store.person)
    }
}
