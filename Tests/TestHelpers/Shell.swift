import Foundation

/// Runs commands for the tests: the scripts, `incus`, `curl`.
public enum Shell {
    public struct Output {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]) -> Output {
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
    public static func httpGet(_ url: String, timeout: Int = 3) -> String? {
        let output = run(
            "/usr/bin/curl", ["-s", "--noproxy", "*", "--max-time", String(timeout), url],
            environment: ProcessInfo.processInfo.environment)
        return output.status == 0 ? output.stdout : nil
    }

    /// Polls `url` until it answers with `expected` in the body, at most `seconds`.
    public static func waitForHTTP(_ url: String, containing expected: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if let body = httpGet(url), body.contains(expected) { return true }
            Thread.sleep(forTimeInterval: 0.3)
        } while Date() < deadline
        return false
    }
}
