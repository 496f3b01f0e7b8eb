import Foundation

/// Paths and process helpers shared by the compiler tests.
enum TestSupport {
    /// The package root (two levels above this file's folder).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The folder holding the built products next to the test bundle.
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    static var compileBinary: URL { productsDirectory.appendingPathComponent("compose-compile") }

    static func goldenCases() throws -> [URL] {
        let golden = repositoryRoot.appendingPathComponent("golden")
        return try FileManager.default.contentsOfDirectory(atPath: golden.path).sorted().map {
            golden.appendingPathComponent($0)
        }.filter {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("compose.yaml").path)
                || FileManager.default.fileExists(atPath: $0.appendingPathComponent("args").path)
        }
    }

    struct ProcessResult {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs a program to completion, capturing both streams.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        workingDirectory: String? = nil, standardInput: Data? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            var merged = ProcessInfo.processInfo.environment
            for (key, value) in environment { merged[key] = value }
            process.environment = merged
        }
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        let inputPipe = Pipe()
        process.standardInput = inputPipe
        try process.run()
        if let standardInput { inputPipe.fileHandleForWriting.write(standardInput) }
        try? inputPipe.fileHandleForWriting.close()
        // Read both pipes concurrently so a full stderr pipe cannot block the child.
        let errorBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorBox.data = errorPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = outputPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errorData = errorBox.data
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }

    /// Holds what the background reader read; the group's wait orders the accesses.
    final class DataBox: @unchecked Sendable {
        var data = Data()
    }

    /// Writes `files` (relative path → contents) into a fresh temporary directory.
    static func makeProject(_ files: [String: String]) throws -> URL {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "compose-test-\(UUID().uuidString)")
        for (path, contents) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        return directory
    }
}
