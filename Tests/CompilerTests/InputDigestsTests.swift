import Foundation
import Plan
import XCTest

@testable import Compiler

/// The digests a plan records are those of the bytes the compiler parsed, hashed in the background
/// while it works; a process that ends while a digest is still being computed (an error, `config`)
/// ends cleanly.
final class InputDigestsTests: XCTestCase {
    func testTheBytesReadAreHashedNotTheFileAsItIsLater() throws {
        let directory = try TestSupport.makeProject(["compose.yaml": "services: {}\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("compose.yaml").path
        let digests = InputDigests()
        let readDigest = try digests.read(path, requestedAt: nil).hexDigest
        try Data("services: {web: {image: nginx}}\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try digests.hexDigest(of: path), readDigest)
        XCTAssertEqual(readDigest, SHA256.hexDigest(Array("services: {}\n".utf8)))
    }

    func testAFileNeverReadThroughItIsHashedWhenAskedFor() throws {
        let directory = try TestSupport.makeProject([".env": "A=1\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(".env").path
        XCTAssertEqual(try InputDigests().hexDigest(of: path), SHA256.hexDigest(Array("A=1\n".utf8)))
        // Without recording (`config` writes no plan), every digest is of the file as it is now.
        let notRecording = InputDigests(recording: false)
        _ = try notRecording.read(path, requestedAt: nil)
        try Data("A=2\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try notRecording.hexDigest(of: path), SHA256.hexDigest(Array("A=2\n".utf8)))
    }

    func testThePlanRecordsTheDigestOfEveryComposeFile() throws {
        let base = "services:\n  web:\n    extends: {file: common.yaml, service: base}\n"
        let common = "services:\n  base:\n    image: nginx\n"
        let directory = try TestSupport.makeProject(["compose.yaml": base, "common.yaml": common])
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = CompileOptions(workingDirectory: directory.path)
        options.environment = [:]
        let plan = try Compiler.compile(options).plan
        XCTAssertEqual(
            plan.source.files.map(\.sha256),
            [SHA256.hexDigest(Array(base.utf8)), SHA256.hexDigest(Array(common.utf8))])
    }

    /// A 2 MB file takes libcrypto a few milliseconds: the process exits (status 1 for an error
    /// found early, 0 for `config`) while that digest may still be in progress, which must never
    /// crash it.
    func testExitingWhileHashingIsClean() throws {
        let padding = String(repeating: "# " + String(repeating: "x", count: 98) + "\n", count: 20_000)
        let directory = try TestSupport.makeProject([
            "bad/compose.yaml": "services:\n  web:\n    image: nginx\n    ports: [\"80:80:80\"]\n" + padding,
            "good/compose.yaml": "services:\n  web:\n    image: nginx\n" + padding,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        for _ in 0..<10 {
            let failed = try TestSupport.run(
                TestSupport.compileBinary.path, [], workingDirectory: directory.appendingPathComponent("bad").path)
            XCTAssertEqual(failed.status, 1, failed.standardError)
            XCTAssertTrue(failed.standardError.contains("compose.yaml:4:13: error"), failed.standardError)
            let config = try TestSupport.run(
                TestSupport.compileBinary.path, ["config"],
                workingDirectory: directory.appendingPathComponent("good").path)
            XCTAssertEqual(config.status, 0, config.standardError)
        }
    }
}
