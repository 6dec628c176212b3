/// People by id. Ids are SQLite rowids, dense from 1, so an array indexed by id serves a
/// program of 200,000 people without hashing; far-off ids fall back to a dictionary.
public struct PeopleIndex: Sendable, ExpressibleByDictionaryLiteral {
    private var dense: ContiguousArray<Person?> = []
    private var sparse: [Int64: Person] = [:]
    /// Ids below this go in the array (a bound, so one huge id cannot allocate gigabytes).
    private static let denseLimit: Int64 = 10_000_000

    public init() {}

    /// Room for ids up to `minimumCapacity` (below the dense limit), laid out at once: the store
    /// fills the index from a table whose largest id it knows.
    public init(minimumCapacity: Int) {
        dense = ContiguousArray(
            repeating: nil, count: Int(min(Int64(max(minimumCapacity, 0)), Self.denseLimit - 1)) + 1)
    }

    public init(dictionaryLiteral elements: (Int64, Person)...) {
        for (id, person) in elements { self[id] = person }
    }

    public subscript(id: Int64) -> Person? {
        get {
            if id >= 0 && id < Int64(dense.count) { return dense[Int(id)] }
            return id >= PeopleIndex.denseLimit || id < 0 ? sparse[id] : nil
        }
        set {
            guard id >= 0 && id < PeopleIndex.denseLimit else {
                sparse[id] = newValue
                return
            }
            if id >= Int64(dense.count) {
                guard newValue != nil else { return }
                dense.append(contentsOf: repeatElement(nil, count: Int(id) - dense.count + 1))
            }
            dense[Int(id)] = newValue
        }
    }
}
