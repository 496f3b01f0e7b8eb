import Foundation
import XCTest

/// The private incusd of scripts/incus-test-env.sh, started (or reused) once per test process.
///
/// `INCUS_TEST_ENV_SCRIPT` names another script with the same `start` and `env` commands
/// (scripts/incus7-env.sh for the Incus 7 servers, whose tests run inside its network namespace).
///
/// When it cannot start, every end-to-end test fails: a missing server is a broken environment, not a
/// reason to skip.
enum IncusTestEnvironment {
    /// The repository root (three levels above this file).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

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

/// The test server could not be prepared.
struct EnvironmentError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs commands for the end-to-end tests.
enum Shell {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        // stderr goes to a file, so reading stdout to its end cannot deadlock on a full stderr pipe.
        let errorPath = NSTemporaryDirectory() + "e2e-stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        guard let err = FileHandle(forWritingAtPath: errorPath) else {
            return Output(status: 127, stdout: "", stderr: "cannot create \(errorPath)")
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return Output(status: 127, stdout: "", stderr: "cannot run \(executable): \(error)")
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? err.close()
        let errData = FileManager.default.contents(atPath: errorPath) ?? Data()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `curl` for an HTTP GET. Only loopback, this machine's addresses and the test bridges are ever
    /// passed here (the tests' network rule).
    static func httpGet(_ url: String, timeout: Int = 3) -> String? {
        let output = run(
            "/usr/bin/curl", ["-s", "--noproxy", "*", "--max-time", String(timeout), url],
            environment: ProcessInfo.processInfo.environment)
        return output.status == 0 ? output.stdout : nil
    }

    /// Polls `url` until it answers with `expected` in the body, at most `seconds`.
    static func waitForHTTP(_ url: String, containing expected: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if let body = httpGet(url), body.contains(expected) { return true }
            Thread.sleep(forTimeInterval: 0.3)
        } while Date() < deadline
        return false
    }
}
