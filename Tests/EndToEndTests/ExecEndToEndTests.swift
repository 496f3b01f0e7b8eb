import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `compose-apply exec` as a user runs it: standard streams passed through as they come, a terminal
/// when one is attached, signals and Ctrl-C reaching the command, its exit status ours.
final class ExecEndToEndTests: ComposeDirectoryTestCase {
    private var planPath = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        planPath = try compileProject(
            """
            name: \(project)
            services:
              web:
                image: busybox
                x-incus: {image: "local:compose-test"}
            networks:
              default:
                x-incus: {ipv4.address: \(subnet), ipv4.nat: "false"}
            """)
        let (applied, lines) = run(planFile: planPath)
        XCTAssertEqual(applied.status, .success, "\(applied.message ?? "")\n" + lines.joined(separator: "\n"))
    }

    /// `compose-apply exec PLAN web ARGUMENTS -- COMMAND`, not yet started.
    private func execProcess(_ arguments: [String], _ command: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ExecutablePaths.find("compose-apply"))
        process.arguments = ["exec", planPath, "web", "--socket", socket] + arguments + ["--"] + command
        process.environment = environment
        return process
    }

    func testPipedStreamsPassThroughAndTheExitStatusIsOurs() throws {
        let process = try execProcess(["-T"], ["sh", "-c", "cat; echo to-stderr >&2; exit 3"])
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data("line one\nline two\n".utf8))
        try input.fileHandleForWriting.close()
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(stdout, "line one\nline two\n", "standard input reached cat and its output came back")
        XCTAssertEqual(stderr, "to-stderr\n")
        XCTAssertEqual(process.terminationStatus, 3)
    }

    func testOutputComesAsItIsWrittenAndInterruptReachesTheCommand() throws {
        let process = try execProcess(["-T"], ["sh", "-c", "echo first; exec sleep 60"])
        let output = PipeReader()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output.pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        XCTAssertTrue(output.waitFor("first\n", seconds: 30), "output before the command ends: \(output.text)")
        XCTAssertTrue(process.isRunning, "the command still runs")
        _ = kill(process.processIdentifier, SIGINT)
        XCTAssertTrue(waitForExit(process, seconds: 20), "SIGINT reached sleep and ended it")
        XCTAssertEqual(process.terminationStatus, 128 + SIGINT)
    }

    func testATerminalGivesAnInteractiveSessionOfItsSize() throws {
        let terminal = try PseudoTerminal(columns: 97, rows: 31)
        let process = try execProcess(
            [], ["sh", "-c", "tty; stty size; echo ready; read line; echo got:$line; exec sleep 60"])
        process.standardInput = terminal.follower
        process.standardOutput = terminal.follower
        process.standardError = terminal.follower
        try process.run()
        terminal.closeFollower()
        XCTAssertTrue(terminal.waitFor("ready", seconds: 30), terminal.text)
        XCTAssertTrue(terminal.text.contains("/dev/pts/"), "the command has a terminal: \(terminal.text)")
        XCTAssertTrue(terminal.text.contains("31 97"), "of the local terminal's size: \(terminal.text)")
        terminal.type("typed\r")
        XCTAssertTrue(terminal.waitFor("got:typed", seconds: 20), terminal.text)
        // Ctrl-C is a key like any other: the remote terminal turns it into SIGINT.
        terminal.type("\u{3}")
        XCTAssertTrue(waitForExit(process, seconds: 20), terminal.text)
        XCTAssertEqual(process.terminationStatus, 128 + SIGINT)
    }

    private func waitForExit(_ process: Process, seconds: Double) -> Bool {
        _ = waitUntil(seconds: seconds) { !process.isRunning }
        if process.isRunning {
            process.terminate()
            return false
        }
        return true
    }
}

/// Collects what a process writes to a pipe, as it comes.
private final class PipeReader: @unchecked Sendable {
    let pipe = Pipe()
    private let collected = LineCollector()

    init() {
        let collected = collected
        pipe.fileHandleForReading.readabilityHandler = { handle in
            collected.append(String(decoding: handle.availableData, as: UTF8.self))
        }
    }

    var text: String { collected.lines.joined(separator: "\n") + "\n" }

    func waitFor(_ fragment: String, seconds: Double) -> Bool {
        waitUntil(seconds: seconds) { text.contains(fragment) }
    }
}

/// A pseudo-terminal of a given size: the process under test gets the follower side, the test
/// types on and reads the leader side.
private final class PseudoTerminal: @unchecked Sendable {
    private let leader: Int32
    let follower: FileHandle
    private let lock = NSLock()
    private var received = ""

    init(columns: Int, rows: Int) throws {
        // posix_openpt and friends are hidden from Swift's Glibc: their Linux ioctls, _IOW('T', 0x31,
        // int) unlocking the follower and _IOR('T', 0x30, unsigned) giving its number.
        leader = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard leader >= 0, ioctl(leader, 0x4004_5431, &unlock) == 0, ioctl(leader, 0x8004_5430, &number) == 0 else {
            throw EnvironmentError(message: "no pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        let followerDescriptor = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard followerDescriptor >= 0 else { throw EnvironmentError(message: "cannot open /dev/pts/\(number)") }
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(followerDescriptor, UInt(TIOCSWINSZ), &size)
        follower = FileHandle(fileDescriptor: followerDescriptor, closeOnDealloc: true)
        let leader = leader
        Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(leader, &buffer, buffer.count)
                guard count > 0 else { return }
                self.lock.lock()
                self.received += String(decoding: buffer[0..<count], as: UTF8.self)
                self.lock.unlock()
            }
        }.start()
    }

    deinit { close(leader) }

    /// Closes the test's copy of the follower, once the process has its own.
    func closeFollower() { try? follower.close() }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    func type(_ keys: String) {
        let bytes = Array(keys.utf8)
        _ = bytes.withUnsafeBytes { write(leader, $0.baseAddress, $0.count) }
    }

    func waitFor(_ fragment: String, seconds: Double) -> Bool {
        waitUntil(seconds: seconds) { text.contains(fragment) }
    }
}
