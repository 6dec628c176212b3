// swift-tools-version:6.0
// mentor-notify: follow-ups for volunteer mentorship programs.
// No Swift package dependencies by design: Foundation, Dispatch, libcurl and SQLite only.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
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
        .target(name: "MentorStore", dependencies: ["CSQLite"], swiftSettings: strict),
        .target(name: "Scheduler", dependencies: ["MentorStore"], swiftSettings: strict),
        .target(name: "Notifier", dependencies: ["MentorStore", "Scheduler", "CCurl"], swiftSettings: strict),
        .target(
            name: "MentorNotifyCore", dependencies: ["MentorStore", "Scheduler", "Notifier"],
            swiftSettings: strict),
        .executableTarget(name: "mentor-notify", dependencies: ["MentorNotifyCore"], swiftSettings: strict),
        // Real servers on loopback for the tests (aiosmtpd, an HTTP SMS stub), shared by the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "MentorStoreTests", dependencies: ["MentorStore"], swiftSettings: strict),
        .testTarget(name: "SchedulerTests", dependencies: ["Scheduler", "MentorStore"], swiftSettings: strict),
        .testTarget(
            name: "NotifierTests", dependencies: ["Notifier", "MentorStore", "Scheduler", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "MentorNotifyCoreTests",
            dependencies: ["MentorNotifyCore", "MentorStore", "Scheduler", "Notifier", "TestSupport"],
            swiftSettings: strict),
    ]
)
