import Foundation
import TestHelpers
import XCTest

/// The private incusd of scripts/incus-test-env.sh, started (or reused) once per test process.
///
/// `INCUS_TEST_ENV_SCRIPT` names another script with the same `start` and `env` commands
/// (scripts/incus7-env.sh for the Incus 7 servers, whose tests run inside its network namespace).
///
/// When it cannot start, every end-to-end test fails: a missing server is a broken environment, not a
/// reason to skip.
enum IncusTestEnvironment {
    /// The repository root.
    static let repositoryRoot: URL = RepositoryPaths.root

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: Result<[String: String], Error>?

    /// The environment for talking to the test server (`INCUS_DIR`, …) merged into this process's.
    static func environment() throws -> [String: String] {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return try cached.get() }
        let result = Result { try start() }
        cached = result
        return try result.get()
    }

    /// The REST socket of the test server.
    static func socket() throws -> String {
        let environment = try environment()
        if let socket = environment["INCUS_SOCKET"], !socket.isEmpty { return socket }
        return (environment["INCUS_DIR"] ?? "/var/lib/incus-compose-test") + "/unix.socket"
    }

    private static func start() throws -> [String: String] {
        let script = repositoryRoot.appendingPathComponent(
            ProcessInfo.processInfo.environment["INCUS_TEST_ENV_SCRIPT"] ?? "scripts/incus-test-env.sh"
        ).path
        let started = Shell.run(script, ["start"], environment: ProcessInfo.processInfo.environment)
        guard started.status == 0 else {
            throw EnvironmentError(
                message: "scripts/incus-test-env.sh start failed (\(started.status)): \(started.stderr.suffix(2000))")
        }
        let printed = Shell.run(script, ["env"], environment: ProcessInfo.processInfo.environment)
        guard printed.status == 0 else {
            throw EnvironmentError(message: "scripts/incus-test-env.sh env failed: \(printed.stderr)")
        }
        var environment = ProcessInfo.processInfo.environment
        // `export A=1; export B=2` on one or several lines.
        let statements = printed.stdout.split(whereSeparator: { $0 == "\n" || $0 == ";" })
        for statement in statements {
            let line = statement.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("export ") else { continue }
            let assignment = line.dropFirst("export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            var value = String(assignment[assignment.index(after: equals)...])
            if value.count >= 2, value.first == "'" || value.first == "\"", value.last == value.first {
                value = String(value.dropFirst().dropLast())
            }
            environment[String(assignment[..<equals])] = value
        }
        return environment
    }
}
