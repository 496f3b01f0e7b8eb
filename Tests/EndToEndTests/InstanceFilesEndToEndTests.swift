import Apply
import Foundation
import Plan
import XCTest

/// Compose secrets and configs pushed into instances: before the first start, compared byte for byte on
/// re-apply, and refused before any request when a source is missing.
final class InstanceFilesEndToEndTests: EndToEndTestCase {
    private var secretPath = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        secretPath = NSTemporaryDirectory() + "\(project)-db_password.txt"
        try "s3cret\n".write(toFile: secretPath, atomically: true, encoding: .utf8)
        environment["E2E_API_TOKEN"] = "token-\(project)"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: secretPath)
        super.tearDown()
    }

    private func planWithFiles(port: Int) -> Plan {
        var plan = webPlan(basePort: port)
        plan.instances["web-1"]?.files = [
            "/run/secrets/db_password": PlanFile(kind: "file", source: secretPath, uid: "0", gid: "0", mode: "0444"),
            "/run/secrets/token": PlanFile(
                kind: "environment", source: "E2E_API_TOKEN", uid: "999", gid: "998", mode: "0400"),
            "/etc/compose/deep/motd": PlanFile(
                kind: "content", source: "Welcome to the database host.\n", uid: "0", gid: "0", mode: "0644"),
        ]
        return plan
    }

    private func cat(_ path: String) -> String {
        incus(["exec", "web-1", "--project", project, "--", "cat", path])
    }

    private func stat(_ path: String) -> String {
        incus(["exec", "web-1", "--project", project, "--", "stat", "-c", "%u %g %a", path])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testFilesArePushedBeforeStartAndConvergedByteForByte() throws {
        var plan = planWithFiles(port: Int.random(in: 20000...29999))
        let (first, _) = applySucceeds(plan)
        XCTAssertEqual(cat("/run/secrets/db_password"), "s3cret\n")
        XCTAssertEqual(cat("/run/secrets/token"), "token-\(project)")
        XCTAssertEqual(cat("/etc/compose/deep/motd"), "Welcome to the database host.\n")
        XCTAssertEqual(stat("/run/secrets/db_password"), "0 0 444")
        XCTAssertEqual(stat("/run/secrets/token"), "999 998 400")
        XCTAssertEqual(stat("/etc/compose/deep"), "0 0 755", "missing parents are created")
        let writes = first.writeRequests
        let firstFile = writes.firstIndex { $0.hasPrefix("POST /1.0/instances/web-1/files") }
        let start = writes.firstIndex { $0.hasPrefix("PUT /1.0/instances/web-1/state") }
        XCTAssertNotNil(firstFile, writes.joined(separator: "\n"))
        XCTAssertLessThan(firstFile ?? .max, start ?? -1, "files are written before the first start")

        let (again, _) = applySucceeds(plan)
        XCTAssertEqual(again.writeRequests, [], "unchanged files: zero write requests")
        XCTAssertEqual(again.lockWriteRequests.count, 2, "the lock is taken and released, counted apart")

        try "rotated\n".write(toFile: secretPath, atomically: true, encoding: .utf8)
        var dryRun = ApplyOptions()
        dryRun.dryRun = true
        let (preview, previewLines) = applySucceeds(plan, options: dryRun)
        XCTAssertEqual(
            preview.writeRequests + preview.lockWriteRequests, [], "a dry run writes nothing, not even a lock")
        XCTAssertTrue(
            previewLines.contains {
                $0.hasPrefix("would update instance web-1") && $0.hasSuffix("file /run/secrets/db_password")
            },
            previewLines.joined(separator: "\n"))
        let (rotated, rotatedLines) = applySucceeds(plan)
        XCTAssertEqual(
            rotated.writeRequests, ["POST /1.0/instances/web-1/files?path=/run/secrets/db_password&project=\(project)"])
        XCTAssertTrue(rotatedLines.contains { $0.contains("files /run/secrets/db_password") }, "\(rotatedLines)")
        XCTAssertEqual(cat("/run/secrets/db_password"), "rotated\n")

        plan.instances["web-1"]?.files["/run/secrets/db_password"]?.mode = "0440"
        let (remoded, _) = applySucceeds(plan)
        XCTAssertEqual(remoded.writeRequests.count, 2, "delete and write again: \(remoded.writeRequests)")
        XCTAssertEqual(stat("/run/secrets/db_password"), "0 0 440")
        XCTAssertEqual(cat("/run/secrets/db_password"), "rotated\n")

        incus(["exec", "web-1", "--project", project, "--", "sh", "-c", "echo tampered > /run/secrets/token"])
        applySucceeds(plan)
        XCTAssertEqual(cat("/run/secrets/token"), "token-\(project)", "a changed file is written back")
        let (settled, _) = applySucceeds(plan)
        XCTAssertEqual(settled.writeRequests, [])
    }

    func testMissingSourceFileOrUnsetVariableIsRefusedBeforeAnyRequest() throws {
        var plan = planWithFiles(port: Int.random(in: 20000...29999))
        plan.instances["web-1"]?.files["/run/secrets/db_password"]?.source = secretPath + ".gone"
        let (missing, _) = run(plan)
        XCTAssertEqual(missing.status, .refused)
        XCTAssertEqual(missing.writeRequests, [])
        XCTAssertEqual(missing.lockWriteRequests, [])
        let message = missing.message ?? ""
        XCTAssertTrue(message.contains("instance web-1"), message)
        XCTAssertTrue(message.contains("/run/secrets/db_password"), message)
        XCTAssertTrue(message.contains(secretPath + ".gone"), message)
        XCTAssertFalse(try names("/1.0/projects").contains(project), "nothing was created")

        plan = planWithFiles(port: Int.random(in: 20000...29999))
        environment["E2E_API_TOKEN"] = nil
        let (unset, _) = run(plan)
        XCTAssertEqual(unset.status, .refused)
        XCTAssertEqual(unset.writeRequests, [])
        XCTAssertTrue(unset.message?.contains("variable E2E_API_TOKEN: it is not set") ?? false, unset.message ?? "")
        XCTAssertTrue(unset.message?.contains("/run/secrets/token") ?? false, unset.message ?? "")
        XCTAssertFalse(try names("/1.0/projects").contains(project), "nothing was created")
    }
}
