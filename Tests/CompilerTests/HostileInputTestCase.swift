import Foundation
import XCTest

/// What the hostile-input tests share: running the real `compose-compile` on files built to break
/// it, measuring the child's time and peak memory. It has no tests of its own.
class HostileInputTestCase: XCTestCase {
    /// What a measured run of the compiler gave.
    struct Measured {
        var status: Int32
        var standardOutput: String
        /// Standard error with the project directory replaced by `DIR`.
        var standardError: String
        var seconds: Double
        /// Peak resident set size of the child, from its own `wait4` rusage.
        var peakMegabytes: Double
    }

    /// Writes `files` into a fresh project and compiles its compose.yaml, measuring the child.
    func compile(_ files: [String: [UInt8]], arguments: [String] = []) throws -> Measured {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "compose-hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (path, contents) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents).write(to: url)
        }
        let compose = directory.appendingPathComponent(files["app/compose.yaml"] != nil ? "app" : "")
            .appendingPathComponent("compose.yaml").path
        var result = try Self.runMeasured(
            TestSupport.compileBinary.path, ["-f", compose] + arguments, in: directory.path)
        result.standardError = result.standardError.replacingOccurrences(of: directory.path, with: "DIR")
        result.standardOutput = result.standardOutput.replacingOccurrences(of: directory.path, with: "DIR")
        return result
    }

    func compile(_ yaml: String) throws -> Measured {
        try compile(["compose.yaml": Array(yaml.utf8)])
    }

    /// Asserts the compile failed the way every bad input must, and returns its one error line.
    func refusal(
        _ result: Measured, file: StaticString = #filePath, line: UInt = #line
    ) -> String {
        XCTAssertEqual(
            result.status, 1, "exit status; stderr: \(result.standardError.prefix(2000))", file: file, line: line)
        XCTAssertEqual(result.standardOutput, "", "no plan on bad input", file: file, line: line)
        return result.standardError
    }

    func refusal(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        refusal(try compile(yaml), file: file, line: line)
    }

    // MARK: - Running the compiler with its resource use

    /// Runs `executable` with standard output and error in files, reaping it with `wait4` to read its
    /// own peak RSS (Foundation's `Process` reaps children itself and hides their rusage).
    static func runMeasured(_ executable: String, _ arguments: [String], in directory: String) throws -> Measured {
        let outputPath = directory + "/.stdout"
        let errorPath = directory + "/.stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let started = Date()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(started)
        // WIFEXITED / WEXITSTATUS: a signal leaves the low 7 bits non-zero.
        let exitStatus: Int32 = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Measured(
            status: exitStatus,
            standardOutput: String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self),
            standardError: String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self),
            seconds: seconds, peakMegabytes: Double(usage.ru_maxrss) / 1024)
    }
}
