import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

/// `compose-apply --remote NAME` over HTTPS with a TLS client certificate, set up the way a user
/// does it: the server listens on a loopback address, `incus remote add` with a trust token writes
/// the client configuration, and compose-apply reads it from `$INCUS_CONF`.
final class RemoteEndToEndTests: EndToEndTestCase {
    private var configDirectory = ""
    private let clientName = "compose-apply-e2e-" + String(UUID().uuidString.prefix(6)).lowercased()

    override func tearDown() {
        // The trust store is keyed by fingerprint, not by the name given to the token.
        let certificates = (try? query("/1.0/certificates?recursion=1").arrayValue) ?? []
        for certificate in certificates where certificate["name"]?.stringValue == clientName {
            let fingerprint = certificate["fingerprint"]?.stringValue ?? ""
            _ = Shell.run("/usr/bin/incus", ["config", "trust", "remove", fingerprint], environment: environment)
        }
        _ = Shell.run("/usr/bin/incus", ["config", "unset", "core.https_address"], environment: environment)
        try? FileManager.default.removeItem(atPath: configDirectory)
        super.tearDown()
    }

    func testApplyOverHTTPSWithAClientCertificate() throws {
        let port = Int.random(in: 18000...18999)
        incus(["config", "set", "core.https_address", "127.0.0.1:\(port)"])
        let token =
            incus(["config", "trust", "add", clientName, "--quiet"])
            .split(separator: "\n").last.map(String.init) ?? ""
        configDirectory = NSTemporaryDirectory() + "incus-conf-" + project
        var clientEnvironment = environment
        clientEnvironment["INCUS_CONF"] = configDirectory
        let added = Shell.run(
            "/usr/bin/incus",
            ["remote", "add", "e2e", "https://127.0.0.1:\(port)", "--accept-certificate", "--token", token],
            environment: clientEnvironment)
        XCTAssertEqual(added.status, 0, added.stderr)

        let plan = webPlan(basePort: Int.random(in: 25000...29000))
        let planPath = NSTemporaryDirectory() + project + "-remote.json"
        try JanssonCoding.encode(plan.jsonValue).write(toFile: planPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: planPath) }
        // No usable unix socket: everything must go over HTTPS.
        clientEnvironment["INCUS_SOCKET"] = "/nonexistent/unix.socket"
        clientEnvironment["INCUS_DIR"] = "/nonexistent"

        // A bind source apply is to create when missing: a remote server's disk is out of its reach,
        // so the plan is refused before any change, naming the path.
        var bindPlan = plan
        let missing = "/nonexistent-bind-source-\(project)"
        bindPlan.instances["web-1"]?.devices["mount-data"] = ["type": "disk", "source": missing, "path": "/data"]
        bindPlan.instances["web-1"]?.createHostPaths = [missing]
        let bindPlanPath = NSTemporaryDirectory() + project + "-remote-bind.json"
        try JanssonCoding.encode(bindPlan.jsonValue).write(toFile: bindPlanPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: bindPlanPath) }
        let refused = Shell.run(
            try ExecutablePaths.find("compose-apply"), ["--remote", "e2e", bindPlanPath], environment: clientEnvironment
        )
        XCTAssertNotEqual(refused.status, 0, refused.stderr)
        XCTAssertTrue(
            refused.stderr.contains(missing) && refused.stderr.contains("Nothing was changed"), refused.stderr)
        XCTAssertFalse(try names("/1.0/projects").contains(project), "nothing was created")

        let first = Shell.run(
            try ExecutablePaths.find("compose-apply"), ["--remote", "e2e", planPath], environment: clientEnvironment)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(try names("/1.0/instances?project=\(project)").contains("web-1"), first.stderr)

        // exec's websockets go over TLS with the same client certificate.
        let exec = Shell.run(
            try ExecutablePaths.find("compose-apply"),
            ["exec", "--remote", "e2e", planPath, "web", "-T", "--", "hostname"],
            environment: clientEnvironment)
        XCTAssertEqual(exec.status, 0, exec.stderr)
        XCTAssertEqual(exec.stdout, "web-1\n")

        let second = Shell.run(
            try ExecutablePaths.find("compose-apply"), ["--remote", "e2e", planPath], environment: clientEnvironment)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("(0 write requests"), second.stderr)

        let destroyed = Shell.run(
            try ExecutablePaths.find("compose-apply"), ["--remote", "e2e", "--destroy", "--volumes", planPath],
            environment: clientEnvironment)
        XCTAssertEqual(destroyed.status, 0, destroyed.stderr)
        XCTAssertFalse(try names("/1.0/projects").contains(project))
    }

    func testUnknownRemoteIsAClearError() throws {
        configDirectory = NSTemporaryDirectory() + "incus-conf-" + project
        try FileManager.default.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
        let plan = webPlan(basePort: Int.random(in: 25000...29000))
        let planPath = NSTemporaryDirectory() + project + "-remote.json"
        try JanssonCoding.encode(plan.jsonValue).write(toFile: planPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: planPath) }
        var clientEnvironment = environment
        clientEnvironment["INCUS_CONF"] = configDirectory
        let result = Shell.run(
            try ExecutablePaths.find("compose-apply"), ["--remote", "nowhere", planPath], environment: clientEnvironment
        )
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("no remote named \"nowhere\""), result.stderr)
    }
}
