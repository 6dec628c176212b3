public import MentorModel

extension Store {
    /// The people with a ref that is not in `refs`, and those without a ref (not forgotten): what a
    /// people file that is the master copy does not hold.
    public func peopleNotIn(refs: Set<String>) throws -> [Person] {
        try people().filter { !$0.forgotten && ($0.ref.map { !refs.contains($0) } ?? true) }
    }
}
