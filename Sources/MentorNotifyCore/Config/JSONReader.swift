import Foundation

/// Walks a parsed JSON object, remembering the key path for errors and refusing unknown keys.
struct JSONReader {
    let path: String
    let object: [String: Any]
    private(set) var used: Set<String> = []

    init(_ object: [String: Any], path: String) {
        self.object = object
        self.path = path
    }

    /// JSON true/false arrive as NSNumber with the C type `char`; numbers never do.
    static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func has(_ key: String) -> Bool {
        used.insert(key)
        return object[key] != nil && !(object[key] is NSNull)
    }

    mutating func isNull(_ key: String) -> Bool {
        used.insert(key)
        return object[key] is NSNull
    }

    mutating func string(_ key: String) throws(ConfigError) -> String? {
        used.insert(key)
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw ConfigError(keyPath(key), "must be a string") }
        return text
    }

    mutating func int(_ key: String, min: Int = 0, max: Int = 100_000) throws(ConfigError) -> Int? {
        used.insert(key)
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, !JSONReader.isBoolean(number),
            let int = Int(exactly: number.doubleValue), int >= min, int <= max
        else {
            throw ConfigError(keyPath(key), "must be a whole number from \(min) to \(max)")
        }
        return int
    }

    mutating func bool(_ key: String) throws(ConfigError) -> Bool? {
        used.insert(key)
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, JSONReader.isBoolean(number) else {
            throw ConfigError(keyPath(key), "must be true or false")
        }
        return number.boolValue
    }

    mutating func object(_ key: String) throws(ConfigError) -> JSONReader? {
        used.insert(key)
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let dictionary = value as? [String: Any] else {
            throw ConfigError(keyPath(key), "must be an object {...}")
        }
        return JSONReader(dictionary, path: keyPath(key))
    }

    mutating func array(_ key: String) throws(ConfigError) -> [JSONReader]? {
        used.insert(key)
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let list = value as? [Any] else { throw ConfigError(keyPath(key), "must be a list [...]") }
        var result: [JSONReader] = []
        for (index, element) in list.enumerated() {
            guard let dictionary = element as? [String: Any] else {
                throw ConfigError("\(keyPath(key))[\(index)]", "must be an object {...}")
            }
            result.append(JSONReader(dictionary, path: "\(keyPath(key))[\(index)]"))
        }
        return result
    }

    /// Fails on a key that nothing read: usually a typo that would otherwise be ignored silently.
    func finish() throws(ConfigError) {
        if let unknown = object.keys.sorted().first(where: { !used.contains($0) }) {
            throw ConfigError(keyPath(unknown), "unknown key; check its spelling against the README's config reference")
        }
    }
}
