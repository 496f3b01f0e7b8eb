import Apply
import Foundation
import Plan
import PlanFixtures
import TestHelpers
import XCTest

/// Incus refusing a change part way: the failed branch and its dependents stop, independent instances
/// finish, the output says what was and was not done, the exit status is 3, and a re-run after fixing
/// the cause converges.
final class ServerFaultEndToEndTests: EndToEndTestCase {
    /// A Python socket listening on 127.0.0.1:`port` (loopback only), until the returned process is ended.
    private func occupy(port: Int) throws -> Process {
        let readyPath = NSTemporaryDirectory() + "e2e-listener-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: readyPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: readyPath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            "import socket, sys, time\n"
                + "s = socket.socket(); s.bind(('127.0.0.1', \(port))); s.listen()\n"
                + "open(sys.argv[1], 'w').write('ready'); time.sleep(600)\n",
            readyPath,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if FileManager.default.contents(atPath: readyPath) == Data("ready".utf8) { return process }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw EnvironmentError(message: "the listener on 127.0.0.1:\(port) did not start")
    }

    func testTakenHostPortStopsThatBranchOnlyAndARerunConverges() throws {
        let port = Int.random(in: 20000...29998)
        var plan = webPlan(replicas: 2, basePort: port)  // web-1 on `port`, web-2 on `port + 1`
        plan.instances["api-1"] = PlanFixtures.instance(
            project: project, service: "api", replica: 1, network: network, image: "compose-test",
            dependsOn: ["web-1"])
        let listener = try occupy(port: port)
        defer { if listener.isRunning { listener.terminate() } }

        let (failed, lines) = run(plan)
        let output = lines.joined(separator: "\n")
        print("[e2e] the failed run said:\n\(output)\n\(failed.message ?? "")")
        XCTAssertEqual(failed.status, .failed, output)
        XCTAssertTrue(output.contains("created instance web-2"), output)
        XCTAssertTrue(lines.contains("done: instances web-2 converged"), output)
        XCTAssertTrue(
            lines.contains { $0.hasPrefix("not done: instance web-1 (project \(project)) failed: start instance") },
            output)
        XCTAssertTrue(
            lines.contains {
                $0.hasPrefix("not done: instance api-1 (project \(project)) skipped:") && $0.contains("web-1")
            }, output)
        XCTAssertTrue(failed.message?.contains("instance web-1") ?? false, failed.message ?? "")
        XCTAssertEqual(try query("/1.0/instances/web-2?project=\(project)")["status"]?.stringValue, "Running")
        XCTAssertFalse(try names("/1.0/instances?project=\(project)").contains("api-1"), "the dependent waits")
        XCTAssertNil(try query("/1.0/projects/\(project)")["config"]?["user.compose.lock"], "lock released")

        listener.terminate()
        listener.waitUntilExit()
        let (fixed, fixedLines) = applySucceeds(plan)
        XCTAssertEqual(fixed.summary?.created, 1, fixedLines.joined(separator: "\n"))
        XCTAssertTrue(Shell.waitForHTTP("http://127.0.0.1:\(port)/", containing: "compose-test ok", seconds: 15))
        XCTAssertEqual(try query("/1.0/instances/api-1?project=\(project)")["status"]?.stringValue, "Running")
        let (again, _) = applySucceeds(plan)
        XCTAssertEqual(again.writeRequests, [])
    }

    func testImageRemovedMidwayFailsThatInstanceAndARerunConverges() throws {
        let alias = "e2e-img-" + project.suffix(6)
        let fingerprint =
            try query("/1.0/images/aliases/compose-test")["target"]?.stringValue ?? ""
        incus(["image", "alias", "create", alias, fingerprint])
        defer { _ = Shell.run("/usr/bin/incus", ["image", "alias", "delete", alias], environment: environment) }
        var plan = webPlan(replicas: 2, basePort: Int.random(in: 20000...29998))
        plan.instances["web-2"]?.image.reference = alias
        let planFile = try writePlanFile(plan)

        // The alias exists at preflight; it is removed while apply pauses after creating the project.
        let running = try startApply(
            planFile: planFile,
            extraEnvironment: ["COMPOSE_APPLY_TEST_PAUSE_AT": "after-project", "COMPOSE_APPLY_TEST_PAUSE_SECONDS": "2"])
        XCTAssertTrue(running.waitFor("test pause at after-project"), running.stderr)
        incus(["image", "alias", "delete", alias])
        XCTAssertEqual(running.wait(), 3, running.stderr)
        XCTAssertTrue(running.stderr.contains("done: instances web-1 converged"), running.stderr)
        XCTAssertTrue(
            running.stderr.contains("not done: instance web-2 (project \(project)) failed: create instance"),
            running.stderr)
        XCTAssertEqual(try names("/1.0/instances?project=\(project)"), ["web-1"])

        incus(["image", "alias", "create", alias, fingerprint])
        let (fixed, lines) = applySucceeds(plan)
        XCTAssertEqual(fixed.summary?.created, 1, lines.joined(separator: "\n"))
        XCTAssertEqual(try names("/1.0/instances?project=\(project)").sorted(), ["web-1", "web-2"])
        let (again, _) = applySucceeds(plan)
        XCTAssertEqual(again.writeRequests, [])
    }
}
