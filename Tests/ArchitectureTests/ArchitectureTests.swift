import Foundation
import Testing

/// The module graph of ARCHITECTURE.md, kept here and checked against the sources and Package.swift:
/// a module that imports what the architecture does not allow, a dependency Package.swift declares
/// beyond this table (or one no file imports), or a module missing from the table fails, naming
/// the file and the module.
@Suite struct ArchitectureTests {
    /// What each Swift module may import, besides the system's modules below. A change here is a
    /// change of the architecture: ARCHITECTURE.md draws the same graph.
    static let allowed: [String: Set<String>] = [
        "MentorModel": [],
        "MentorStore": ["MentorModel", "WebhookAuth", "CSQLite", "CCrypto"],
        "Scheduler": ["MentorModel"],
        "Replies": ["MentorModel"],
        "WebhookAuth": ["CCrypto"],
        "HTTPServer": [],
        "Desk": ["MentorModel", "HTTPServer"],
        "Transport": ["MentorModel", "CCurl"],
        "Notifier": ["MentorModel", "MentorStore", "Transport"],
        "MentorNotifyCore": [
            "MentorModel", "MentorStore", "Scheduler", "Replies", "Transport", "Notifier", "HTTPServer", "WebhookAuth",
            "Desk",
        ],
        "mentor-notify": ["MentorNotifyCore"],
    ]

    /// The toolchain's modules, open to every module.
    static let system: Set<String> = ["Foundation", "Dispatch", "Glibc", "Synchronization"]

    /// Targets that are not Swift modules of the program: C libraries and the tests' support.
    static let notModules: Set<String> = ["CSQLite", "CCurl", "CCrypto", "TestSupport"]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyImportIsAllowed() throws {
        var violations: [String] = []
        for module in try Self.sourceModules() {
            guard let allowed = Self.allowed[module] else {
                violations.append("Sources/\(module): a module the architecture does not know; add it to the table")
                continue
            }
            for (file, imported) in try Self.imports(of: module)
            where !allowed.contains(imported) && !Self.system.contains(imported) {
                violations.append("\(file): \(module) imports \(imported), which it may not")
            }
        }
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }

    @Test func everyDependencyIsUsed() throws {
        var unused: [String] = []
        for (module, allowed) in Self.allowed {
            let imported = Set(try Self.imports(of: module).map(\.module))
            for dependency in allowed.subtracting(imported).sorted() {
                unused.append("\(module) may depend on \(dependency), and no file of it imports it")
            }
        }
        #expect(unused.isEmpty, "\(unused.joined(separator: "\n"))")
    }

    @Test func packageDeclaresTheTable() throws {
        let declared = try Self.declaredDependencies()
        let modules = Set(declared.keys).subtracting(Self.notModules)
        #expect(modules == Set(Self.allowed.keys), "Package.swift's modules differ from the table")
        for module in modules.sorted() {
            #expect(
                declared[module] == Self.allowed[module],
                "Package.swift: \(module) depends on \(declared[module]?.sorted() ?? []), the table allows \(Self.allowed[module]?.sorted() ?? [])"
            )
        }
    }

    /// The reader below finds every form of import, and skips what only looks like one.
    @Test func theReaderSeesEveryFormOfImport() {
        let text = """
            import A
            public import B
            @testable import C
            @preconcurrency internal import D
            #if canImport(Glibc)
                import E
            #endif
            import struct F.Thing
            let usage = \"\"\"
                import NotAModule
                \"\"\"
            // import AlsoNot
            """
        #expect(Self.importedModules(in: text) == ["A", "B", "C", "D", "E", "F"])
        let package = """
            // .target(name: "Gone", dependencies: ["X"]),
            .target(name: "A", dependencies: ["B", .target(name: "C")], swiftSettings: s),
            .target(
                name: "D",
                dependencies: [
                    "A", // why
                ]),
            .executableTarget(name: "E", path: "x"),
            .testTarget(name: "ATests", dependencies: ["A"]),
            """
        #expect(Self.targets(in: package) == ["A": ["B", "C"], "D": ["A"], "E": []])
    }

    // MARK: - Reading the sources

    static func sourceModules() throws -> [String] {
        let sources = root.appendingPathComponent("Sources")
        return try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { name in
            var isDirectory: ObjCBool = false
            let path = sources.appendingPathComponent(name).path
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                && !notModules.contains(name)
        }.sorted()
    }

    /// Every import of every Swift file under `Sources/<module>`: (the file, the module imported).
    static func imports(of module: String) throws -> [(file: String, module: String)] {
        let directory = root.appendingPathComponent("Sources").appendingPathComponent(module)
        guard let files = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var result: [(file: String, module: String)] = []
        for case let relative as String in files where relative.hasSuffix(".swift") {
            let text = try String(contentsOf: directory.appendingPathComponent(relative), encoding: .utf8)
            for imported in importedModules(in: text) {
                result.append(("Sources/\(module)/\(relative)", imported))
            }
        }
        return result
    }

    /// The modules a file imports: `import X`, with any attributes (`@testable`, `@preconcurrency`),
    /// access level, or kind (`import struct X.Y`), indented or not (`#if` blocks); lines inside a
    /// multi-line string literal are text, not imports.
    static func importedModules(in text: String) -> [String] {
        let kinds: Set<Substring> = ["typealias", "struct", "class", "enum", "protocol", "let", "var", "func"]
        let access: Set<Substring> = ["public", "package", "internal", "fileprivate", "private"]
        var inString = false
        var modules: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let quotes = line.components(separatedBy: "\"\"\"").count - 1
            defer { if quotes % 2 == 1 { inString.toggle() } }
            guard !inString else { continue }
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })[...]
            while let first = words.first, first.hasPrefix("@") || access.contains(first) { words = words.dropFirst() }
            guard words.first == "import", words.count >= 2 else { continue }
            words = words.dropFirst()
            if let kind = words.first, kinds.contains(kind) { words = words.dropFirst() }
            guard let path = words.first, let name = path.split(separator: ".").first else { continue }
            modules.append(String(name))
        }
        return modules
    }

    // MARK: - Reading Package.swift

    static func declaredDependencies() throws -> [String: Set<String>] {
        let text = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        return targets(in: text)
    }

    /// Each `.target` and `.executableTarget` of a manifest with the names in its `dependencies`
    /// (strings, `.target(name:)`, `.product(name:)`), comments left out.
    static func targets(in manifest: String) -> [String: Set<String>] {
        let text = manifest.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.range(of: "//").map { line[..<$0.lowerBound] } ?? line
        }.joined(separator: "\n")
        var result: [String: Set<String>] = [:]
        var rest = text[...]
        while let start = rest.range(of: #"\.(target|executableTarget)\("#, options: .regularExpression) {
            let call = balanced(rest[start.upperBound...], open: "(", close: ")")
            rest = rest[call.endIndex...]
            guard let name = firstString(after: "name:", in: call) else { continue }
            var dependencies: Set<String> = []
            if let list = call.range(of: "dependencies:") {
                let afterLabel = call[list.upperBound...].drop(while: { $0 == " " || $0 == "\n" })
                if afterLabel.first == "[" {
                    dependencies = strings(in: balanced(afterLabel.dropFirst(), open: "[", close: "]"))
                }
            }
            result[name] = dependencies
        }
        return result
    }

    /// The text up to the bracket that closes one already open.
    static func balanced(_ text: Substring, open: Character, close: Character) -> Substring {
        var depth = 1
        var inString = false
        for index in text.indices {
            let character = text[index]
            if character == "\"" { inString.toggle() }
            guard !inString else { continue }
            if character == open { depth += 1 }
            if character == close {
                depth -= 1
                if depth == 0 { return text[..<index] }
            }
        }
        return text
    }

    /// The first string literal after `label`.
    static func firstString(after label: String, in text: Substring) -> String? {
        guard let at = text.range(of: label) else { return nil }
        let parts = text[at.upperBound...].split(separator: "\"", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 ? String(parts[1]) : nil
    }

    /// The string literals of `text`.
    static func strings(in text: Substring) -> Set<String> {
        let parts = text.split(separator: "\"", omittingEmptySubsequences: false)
        return Set(stride(from: 1, to: parts.count, by: 2).map { String(parts[$0]) })
    }
}
