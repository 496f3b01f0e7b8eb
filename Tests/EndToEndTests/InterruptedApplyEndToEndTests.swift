import Apply
import Foundation
import Plan
import PlanFixtures
import TestHelpers
import XCTest

/// `compose-apply` killed with SIGKILL at several points, and concurrent applies of one project: a
/// re-run converges to the state an uninterrupted apply gives, named-volume data intact, and two
/// applies never write at the same time.
final class InterruptedApplyEndToEndTests: EndToEndTestCase {
    /// Two replicas, a NAT proxy on web-1 (placeholder, pinned NIC, late device), a DNS record in the
    /// network that uses web-1's address, a named volume and a file on web-1.
    private func fullPlan(port: Int) -> Plan {
        var plan = webPlan(replicas: 2, basePort: port)
        PlanFixtures.addNATProxy(to: &plan, listen: "tcp:\(bridgeAddress):\(port + 100)")
        let token = "web-1.eth0.ipv4"
        plan.networks[network]?.config["raw.dnsmasq"] = "host-record=web-alias.test,{{\(token)}}"
        plan.placeholders[token]?.pointers.append(JSONPointer.make(["networks", network, "config", "raw.dnsmasq"]))
        plan.placeholders[token]?.pointers.sort()
        plan.volumes["data"] = PlanVolume(
            composeName: "data", external: false, pool: "default", description: "compose volume data", config: [:])
        plan.instances["web-1"]?.devices["data"] = [
            "type": "disk", "pool": "default", "source": "data", "path": "/data",
        ]
        plan.instances["web-1"]?.files["/etc/app/app.conf"] = PlanFile(
            kind: "content", source: "level=debug\n", uid: "0", gid: "0", mode: "0640")
        return plan
    }

    /// The project's server state, flattened and with pinned addresses replaced by their token, so that
    /// two runs that leased different addresses compare equal. Lists what an uninterrupted apply decides:
    /// instance status, local config and devices, networks, volumes, the project, and web-1's file.
    private func serverState() throws -> [String: String] {
        var state: [String: String] = [:]
        var addresses: [String: String] = [:]
        for name in try names("/1.0/instances?project=\(project)") {
            let instance = try query("/1.0/instances/\(name)?project=\(project)")
            state["instance \(name) status"] = instance["status"]?.stringValue
            for (key, value) in instance["config"]?.stringMapValue ?? [:]
            where !key.hasPrefix("volatile.") && !key.hasPrefix("image.") {
                state["instance \(name) config \(key)"] = value
            }
            for (device, values) in instance["devices"]?.objectValue ?? [:] {
                for (key, value) in values.stringMapValue ?? [:] {
                    state["instance \(name) device \(device) \(key)"] = value
                    if device == "eth0" && key == "ipv4.address" { addresses[value] = "{{\(name).eth0.ipv4}}" }
                }
            }
            state["instance \(name) profiles"] = "\(instance["profiles"]?.arrayValue?.count ?? -1)"
        }
        let networkConfig = try query("/1.0/networks/\(network)")["config"]?.stringMapValue ?? [:]
        for (key, value) in networkConfig where !key.hasPrefix("volatile.") {
            state["network \(network) config \(key)"] = value
        }
        for name in try names("/1.0/storage-pools/default/volumes/custom?project=\(project)") {
            let volume = try query("/1.0/storage-pools/default/volumes/custom/\(name)?project=\(project)")
            for (key, value) in volume["config"]?.stringMapValue ?? [:] where !key.hasPrefix("volatile.") {
                state["volume \(name) config \(key)"] = value
            }
            state["volume \(name)"] = "present"
        }
        for (key, value) in try query("/1.0/projects/\(project)")["config"]?.stringMapValue ?? [:] {
            state["project config \(key)"] = value
        }
        state["web-1 file /etc/app/app.conf"] = incus([
            "exec", "web-1", "--project", project, "--", "stat", "-c", "%u %g %a", "/etc/app/app.conf",
        ])
        for (key, value) in state {
            var normalized = value
            for (address, token) in addresses { normalized = normalized.replacingOccurrences(of: address, with: token) }
            state[key] = normalized
        }
        return state
    }

    private func destroyKeepingVolumes(_ plan: Plan) {
        var destroy = ApplyOptions()
        destroy.destroy = true
        applySucceeds(plan, options: destroy)
    }

    /// Starts `compose-apply` paused at `stage`, kills it with SIGKILL there, and returns its stderr.
    private func killApply(at stage: String, planFile: String) throws -> String {
        let running = try startApply(
            planFile: planFile, arguments: ["--parallel", "1"],
            extraEnvironment: ["COMPOSE_APPLY_TEST_PAUSE_AT": stage])
        let reached = running.waitFor("test pause at \(stage)")
        running.kill()
        XCTAssertTrue(reached, "apply reached \(stage):\n\(running.stderr)")
        return running.stderr
    }

    func testKilledAppliesConvergeOnRerunWithVolumeDataIntact() throws {
        let port = Int.random(in: 20000...29899)
        let plan = fullPlan(port: port)
        let planFile = try writePlanFile(plan)

        // Killed right after the project was created (with the lock of the killed run on it).
        _ = try killApply(at: "after-project", planFile: planFile)
        XCTAssertTrue(try names("/1.0/projects").contains(project), "the project exists")
        let (recovered, lines) = applySucceeds(plan)
        XCTAssertTrue(
            lines.contains { $0.contains("taking over the lock") && $0.contains("not running any more") },
            lines.joined(separator: "\n"))
        XCTAssertEqual(recovered.summary?.created, 4, "network, volume, two instances")
        incus(["exec", "web-1", "--project", project, "--", "sh", "-c", "echo survived > /data/marker"])
        let afterKill = try serverState()
        XCTAssertNil(afterKill["project config user.compose.lock"], "the lock is released")

        // The reference: an uninterrupted apply (the volume is kept by destroy).
        destroyKeepingVolumes(plan)
        applySucceeds(plan)
        let reference = try serverState()
        XCTAssertEqual(afterKill, reference, "after-project: re-run state equals an uninterrupted apply")
        print("[e2e] interrupted at after-project: converged, \(reference.count) compared values")

        let stages = [
            "instance-created:web-1",  // created, not started, no files, NAT proxy not added
            "instance-started:web-1",  // running, NIC not pinned, NAT proxy and placeholders missing
            "instance-created:web-2",  // web-1 complete, web-2 created but never started
            "before-network-placeholders",  // instances complete, DNS record not written
        ]
        for stage in stages {
            destroyKeepingVolumes(plan)
            _ = try killApply(at: stage, planFile: planFile)
            let (rerun, rerunLines) = applySucceeds(plan)
            XCTAssertTrue(
                rerunLines.contains { $0.contains("taking over the lock") }, rerunLines.joined(separator: "\n"))
            XCTAssertEqual(try serverState(), reference, "\(stage): re-run state equals an uninterrupted apply")
            XCTAssertEqual(
                incus(["exec", "web-1", "--project", project, "--", "cat", "/data/marker"]), "survived\n",
                "\(stage): named-volume data intact")
            let (again, _) = applySucceeds(plan)
            XCTAssertEqual(again.writeRequests, [], "\(stage): converged, a further run writes nothing")
            print("[e2e] interrupted at \(stage): re-run made \(rerun.writeRequests.count) writes, converged")
        }
        XCTAssertTrue(
            Shell.waitForHTTP("http://\(bridgeAddress):\(port + 100)/", containing: "compose-test ok", seconds: 15),
            "the NAT proxy works after the last recovery")
    }

    func testInterruptFinishesTheInstanceInProgressAndReleasesTheLock() throws {
        let plan = webPlan(replicas: 2, basePort: Int.random(in: 20000...29999))
        let planFile = try writePlanFile(plan)
        let running = try startApply(
            planFile: planFile, arguments: ["--parallel", "1"],
            extraEnvironment: [
                "COMPOSE_APPLY_TEST_PAUSE_AT": "instance-created:web-1", "COMPOSE_APPLY_TEST_PAUSE_SECONDS": "2",
            ])
        XCTAssertTrue(running.waitFor("test pause at instance-created:web-1"), running.stderr)
        _ = kill(running.process.processIdentifier, SIGINT)
        XCTAssertEqual(running.wait(), 130, running.stderr)
        let output = running.stderr
        XCTAssertTrue(output.contains("compose-apply: interrupted: finishing the instances in progress"), output)
        XCTAssertTrue(output.contains("created instance web-1"), "the instance in progress was finished: \(output)")
        XCTAssertTrue(
            output.contains("not done: instance web-2 (project \(project)) skipped: interrupted before"), output)
        XCTAssertEqual(try names("/1.0/instances?project=\(project)"), ["web-1"])
        XCTAssertEqual(try query("/1.0/instances/web-1?project=\(project)")["status"]?.stringValue, "Running")
        XCTAssertNil(try query("/1.0/projects/\(project)")["config"]?["user.compose.lock"], "the lock is released")

        let (rerun, lines) = applySucceeds(plan)
        XCTAssertFalse(lines.contains { $0.contains("taking over the lock") }, lines.joined(separator: "\n"))
        XCTAssertEqual(rerun.summary?.created, 1, lines.joined(separator: "\n"))
        let (again, _) = applySucceeds(plan)
        XCTAssertEqual(again.writeRequests, [])
    }

    func testConcurrentAppliesWaitOrRefuseAndNeverInterleave() throws {
        let plan = webPlan(replicas: 2, basePort: Int.random(in: 20000...29999))
        let planFile = try writePlanFile(plan)
        // The first apply holds the lock for 4 s right after taking it, then carries on.
        let first = try startApply(
            planFile: planFile,
            extraEnvironment: [
                "COMPOSE_APPLY_TEST_PAUSE_AT": "locked", "COMPOSE_APPLY_TEST_PAUSE_SECONDS": "4",
                "COMPOSE_APPLY_TEST_LOCK_RENEW_SECONDS": "1",
            ])
        XCTAssertTrue(first.waitFor("test pause at locked"), first.stderr)
        // The holder's heartbeat renews the lock while it works.
        let heldAt = try query("/1.0/projects/\(project)")["config"]?["user.compose.lock"]?.stringValue ?? ""
        Thread.sleep(forTimeInterval: 2.2)
        let renewedAt = try query("/1.0/projects/\(project)")["config"]?["user.compose.lock"]?.stringValue ?? ""
        XCTAssertTrue(heldAt.contains("pid=\(first.process.processIdentifier) "), heldAt)
        XCTAssertNotEqual(heldAt, renewedAt, "renewed=")

        let impatient = try startApply(planFile: planFile, arguments: ["--lock-timeout", "0"])
        XCTAssertEqual(impatient.wait(), 2, impatient.stderr)
        let host = LockHostName.current
        XCTAssertTrue(
            impatient.stderr.contains(
                "project \(project) is being applied by pid \(first.process.processIdentifier) on \(host) since "),
            impatient.stderr)
        XCTAssertTrue(impatient.stderr.contains("0 write requests"), impatient.stderr)

        let patient = try startApply(planFile: planFile, arguments: ["--lock-timeout", "60"])
        XCTAssertEqual(first.wait(), 0, first.stderr)
        XCTAssertEqual(patient.wait(), 0, patient.stderr)
        XCTAssertTrue(patient.stderr.contains("waiting up to 60 s"), patient.stderr)
        // It waited, then read the server under the lock: the first apply had done everything.
        XCTAssertTrue(patient.stderr.contains("(0 write requests, 2 lock writes)"), patient.stderr)
        XCTAssertTrue(first.stderr.contains("summary: 4 created"), first.stderr)
        XCTAssertNil(try query("/1.0/projects/\(project)")["config"]?["user.compose.lock"])
    }

    func testLockOfAnotherHostIsHonouredUntilItIsStale() throws {
        let plan = webPlan(basePort: Int.random(in: 20000...29999))
        applySucceeds(plan)
        let fresh = LockHostName.format(Date())
        incus([
            "project", "set", project, "user.compose.lock=pid=1 host=elsewhere since=\(fresh) token=x",
        ])
        var impatient = ApplyOptions()
        impatient.lockTimeout = 1
        let (refused, _) = run(plan, options: impatient)
        XCTAssertEqual(refused.status, .refused)
        XCTAssertTrue(
            refused.message?.contains("project \(project) is being applied by pid 1 on elsewhere since \(fresh)")
                ?? false, refused.message ?? "")
        XCTAssertEqual(refused.writeRequests, [])

        let old = LockHostName.format(Date().addingTimeInterval(-7200))
        incus(["project", "set", project, "user.compose.lock=pid=1 host=elsewhere since=\(old) token=x"])
        let (taken, lines) = applySucceeds(plan)
        XCTAssertTrue(
            lines.contains { $0.contains("not renewed for more than 300 s") }, lines.joined(separator: "\n"))
        XCTAssertEqual(taken.writeRequests, [])
        XCTAssertNil(try query("/1.0/projects/\(project)")["config"]?["user.compose.lock"])
    }
}

/// The host name and time format the lock uses.
enum LockHostName {
    static var current: String {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = gethostname(&buffer, buffer.count - 1)
        return String(cString: buffer)
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
