import Apply
import Foundation
import Plan
import PlanFixtures
import TestHelpers
import XCTest

/// Helpers shared by the end-to-end tests: unique names, running apply in-process against the
/// private incusd, the `incus` command line, and cleanup.
class EndToEndTestCase: XCTestCase {
    var environment: [String: String] = [:]
    var socket = ""
    /// Unique per test: `e2e-xxxxxx`.
    var project = ""
    /// Unique bridge name (at most 15 characters).
    var network = ""
    /// A free /24 for the test's bridge: `10.187.N.1/24`.
    var subnet = ""
    /// The bridge's own address, a host address NAT proxies can listen on.
    var bridgeAddress = ""
    private var plansToDestroy: [Plan] = []

    override func setUpWithError() throws {
        continueAfterFailure = false
        do {
            environment = try IncusTestEnvironment.environment()
            socket = try IncusTestEnvironment.socket()
        } catch {
            XCTFail("the private incusd cannot start: \(error)")
            throw error
        }
        let suffix = String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(6))
        project = "e2e-" + suffix
        network = "e2e" + suffix + "n"
        let client = IncusClient(transport: CurlTransport(endpoint: .unixSocket(path: socket)))
        let used = Set(
            try client.networks().values.compactMap { network -> Int? in
                let parts = (network.config["ipv4.address"] ?? "").split(separator: ".")
                return parts.count == 4 && parts[0] == "10" && parts[1] == "187" ? Int(parts[2]) : nil
            })
        let octet = (100...250).filter { !used.contains($0) }.randomElement() ?? 99
        bridgeAddress = "10.187.\(octet).1"
        subnet = bridgeAddress + "/24"
    }

    override func tearDown() {
        for plan in plansToDestroy.reversed() {
            var options = ApplyOptions()
            options.destroy = true
            options.destroyVolumes = true
            _ = run(plan, options: options)
        }
        super.tearDown()
    }

    /// The standard plan of this test's project (see `PlanFixtures.web`), destroyed after the test.
    func webPlan(replicas: Int = 1, basePort: Int) -> Plan {
        let plan = PlanFixtures.web(
            project: project, network: network, subnet: subnet, replicas: replicas, basePort: basePort)
        plansToDestroy.append(plan)
        return plan
    }

    /// Registers a plan for destruction after the test.
    func destroyAfterwards(_ plan: Plan) {
        plansToDestroy.append(plan)
    }

    /// Runs apply in-process (the code path of `compose-apply`) and returns its result and lines.
    @discardableResult
    func run(_ plan: Plan, options: ApplyOptions = ApplyOptions()) -> (ApplyResult, [String]) {
        let path = NSTemporaryDirectory() + "\(project)-\(UUID().uuidString).json"
        do {
            try JanssonCoding.encode(plan.jsonValue).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            XCTFail("cannot write the plan: \(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return run(planFile: path, options: options)
    }

    func run(planFile: String, options: ApplyOptions = ApplyOptions()) -> (ApplyResult, [String]) {
        var options = options
        options.environment = environment
        let lines = LineCollector()
        let reporter = Reporter(dryRun: options.dryRun, isTerminal: false, write: { lines.append($0) })
        let result = ApplyRun.execute(
            ApplyInvocation(planPath: planFile, socket: socket, options: options), reporter: reporter)
        return (result, lines.lines)
    }

    /// Applies and requires success.
    @discardableResult
    func applySucceeds(
        _ plan: Plan, options: ApplyOptions = ApplyOptions(), file: StaticString = #filePath, line: UInt = #line
    ) -> (ApplyResult, [String]) {
        let started = Date()
        let (result, lines) = run(plan, options: options)
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "[e2e] apply took %.2f s, %d write requests", seconds, result.writeRequests.count))
        XCTAssertEqual(
            result.status, .success, "\(result.message ?? "")\n" + lines.joined(separator: "\n"), file: file, line: line
        )
        return (result, lines)
    }

    /// Writes `plan` to a temporary file removed after the test; returns its path.
    func writePlanFile(_ plan: Plan) throws -> String {
        let path = NSTemporaryDirectory() + "\(project)-\(UUID().uuidString).json"
        try JanssonCoding.encode(plan.jsonValue).write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// Starts the `compose-apply` executable on a plan file against the private server, with
    /// `extraEnvironment` (e.g. `COMPOSE_APPLY_TEST_PAUSE_AT`); its stderr goes to a file.
    func startApply(
        planFile: String, arguments: [String] = [], extraEnvironment: [String: String] = [:]
    ) throws -> RunningApply {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ExecutablePaths.find("compose-apply"))
        process.arguments = [planFile, "--socket", socket] + arguments
        process.environment = environment.merging(extraEnvironment) { _, new in new }
        let errorPath = NSTemporaryDirectory() + "e2e-apply-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: errorPath) }
        guard let handle = FileHandle(forWritingAtPath: errorPath) else {
            throw EnvironmentError(message: "cannot create \(errorPath)")
        }
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
        return RunningApply(process: process, errorPath: errorPath)
    }

    /// Runs the incus command line against the private server.
    @discardableResult
    func incus(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) -> String {
        let output = Shell.run("/usr/bin/incus", arguments, environment: environment)
        XCTAssertEqual(
            output.status, 0, "incus \(arguments.joined(separator: " ")): \(output.stderr)", file: file, line: line)
        return output.stdout
    }

    /// The names in a REST listing (`/1.0/instances/web-1?project=x` → `web-1`).
    func names(_ path: String) throws -> [String] {
        let urls = try query(path).arrayValue?.compactMap(\.stringValue) ?? []
        return urls.map { ($0.components(separatedBy: "?").first ?? $0).components(separatedBy: "/").last ?? "" }
    }

    /// `incus query` of a REST path, decoded.
    func query(_ path: String) throws -> JSONValue {
        try JanssonCoding.decode(incus(["query", path]))
    }
}

/// An end-to-end test that writes compose files: each test gets its own directory, removed after it.
class ComposeDirectoryTestCase: EndToEndTestCase {
    /// Where the test's compose files go: a fresh directory named after the test's project.
    var directory = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = NSTemporaryDirectory() + project
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        super.tearDown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes `text` as the directory's compose.yaml, compiles it with `compose-compile` into plan.json
    /// (destroyed after the test) and returns the plan's path.
    func compileProject(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try text.write(toFile: directory + "/compose.yaml", atomically: true, encoding: .utf8)
        let output = Shell.run(
            try ExecutablePaths.find("compose-compile"), ["-f", directory + "/compose.yaml"], environment: environment)
        XCTAssertEqual(output.status, 0, output.stderr, file: file, line: line)
        let planPath = directory + "/plan.json"
        try output.stdout.write(toFile: planPath, atomically: true, encoding: .utf8)
        destroyAfterwards(try ApplyRun.loadPlan(planPath))
        return planPath
    }

    /// `compileProject` for a project of these `services:` (YAML indented by two spaces) on a default
    /// network with the test subnet and no NAT.
    func compileServices(_ services: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try compileProject(
            "name: \(project)\nservices:\n" + services
                + "\nnetworks:\n  default:\n    x-incus: {ipv4.address: \(subnet), ipv4.nat: \"false\"}\n",
            file: file, line: line)
    }

    /// Applies the plan, which must succeed, and returns what apply printed.
    @discardableResult
    func applySucceeds(_ planPath: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let (result, lines) = run(planFile: planPath)
        XCTAssertEqual(result.status, .success, lines.joined(separator: "\n"), file: file, line: line)
        return lines
    }

    /// Applies the plan again, which must send no write request.
    func reapplyWritesNothing(_ planPath: String, file: StaticString = #filePath, line: UInt = #line) {
        let (result, lines) = run(planFile: planPath)
        XCTAssertEqual(
            result.writeRequests, [], "re-apply writes nothing\n" + lines.joined(separator: "\n"), file: file,
            line: line)
    }
}

/// A `compose-apply` process started by a test.
struct RunningApply {
    let process: Process
    let errorPath: String

    /// Everything it wrote on stderr so far.
    var stderr: String { String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self) }

    /// Waits until stderr contains `text` (or the process ended), at most `seconds`.
    func waitFor(_ text: String, seconds: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stderr.contains(text) { return true }
            if !process.isRunning { return stderr.contains(text) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// SIGKILL, then waits for the process to end.
    func kill() {
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Waits for the end and returns the exit status.
    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }
}
