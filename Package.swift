// swift-tools-version:6.0
// mentor-notify: follow-ups for volunteer mentorship programs.
// No Swift package dependencies by design: Foundation, Dispatch, libcurl and SQLite only.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // A file sees the members of the modules it imports, not of whatever they import: imports show
    // the real dependencies (ArchitectureTests reads them).
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "mentor-notify",
    products: [
        .executable(name: "mentor-notify", targets: ["mentor-notify"])
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // OpenSSL's libcrypto (libcurl loads it already): HMAC for webhook signatures and SHA-256 for
        // the keys of what came back (MentorStore), never hand-rolled.
        .systemLibrary(
            name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // Records, dates, zones, rules and roles: values only, no SQLite, no libcurl.
        .target(name: "MentorModel", swiftSettings: strict),
        // WebhookAuth for its HMAC: forgotten refs are kept as keyed hashes.
        .target(
            name: "MentorStore", dependencies: ["CSQLite", "CCrypto", "MentorModel", "WebhookAuth"],
            swiftSettings: strict),
        // Pure rules: the compiler keeps them from the store, SQLite and libcurl.
        .target(name: "Scheduler", dependencies: ["MentorModel"], swiftSettings: strict),
        // Who may call the webhooks: GatewayAPI's JWT (HS256) and Twilio's HMAC-SHA1 signatures.
        .target(name: "WebhookAuth", dependencies: ["CCrypto"], swiftSettings: strict),
        // HTTP/1.1 on POSIX sockets for the web endpoint: parsing and serving, no routes.
        .target(name: "HTTPServer", swiftSettings: strict),
        // Reading what comes back (MIME, the reply table, bounces): pure, like the scheduler.
        .target(name: "Replies", dependencies: ["MentorModel"], swiftSettings: strict),
        // Moving bytes: libcurl, SMTP, the SMS gateways, the spool, the IMAP mailbox. Sees no store and
        // no outbox row, only the payloads delivery hands it.
        .target(name: "Transport", dependencies: ["MentorModel", "CCurl"], swiftSettings: strict),
        // Delivery: the Deliverer's lanes over the outbox, the Sender, the sent journal, templates, MIME,
        // iCalendar and message tokens.
        .target(name: "Notifier", dependencies: ["MentorModel", "MentorStore", "Transport"], swiftSettings: strict),
        // The leader's desk's own parts: HTML, forms, the layout, its words. Pure: the core runs the
        // commands its pages show.
        .target(name: "Desk", dependencies: ["MentorModel", "HTTPServer"], swiftSettings: strict),
        .target(
            name: "MentorNotifyCore",
            dependencies: [
                "MentorModel", "MentorStore", "Scheduler", "Transport", "Notifier", "Replies", "HTTPServer",
                "WebhookAuth", "Desk",
            ],
            swiftSettings: strict),
        .executableTarget(name: "mentor-notify", dependencies: ["MentorNotifyCore"], swiftSettings: strict),
        // Real servers on loopback for the tests (aiosmtpd, an HTTP SMS stub) and the worst inputs of each
        // reader (bench/readers.sh reads them too), shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(
            name: "MentorStoreTests", dependencies: ["MentorModel", "MentorStore", "TestSupport"], swiftSettings: strict
        ),
        // The module graph above, checked: imports and these dependency lists against one table.
        .testTarget(name: "ArchitectureTests", swiftSettings: strict),
        .testTarget(name: "SchedulerTests", dependencies: ["Scheduler", "MentorModel"], swiftSettings: strict),
        .testTarget(name: "WebhookAuthTests", dependencies: ["WebhookAuth"], swiftSettings: strict),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "RepliesTests", dependencies: ["Replies", "TestSupport"], resources: [.copy("Fixtures")],
            swiftSettings: strict),
        .testTarget(
            name: "TransportTests", dependencies: ["Transport", "MentorModel", "Notifier", "CCurl", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "NotifierTests",
            dependencies: ["Notifier", "Transport", "MentorModel", "MentorStore", "Scheduler", "TestSupport"],
            exclude: ["Golden"], swiftSettings: strict),
        .testTarget(
            name: "MentorNotifyCoreTests",
            dependencies: [
                "MentorNotifyCore", "MentorModel", "MentorStore", "Scheduler", "Transport", "Notifier", "Replies",
                "HTTPServer", "Desk", "TestSupport",
            ],
            swiftSettings: strict),
    ]
)
