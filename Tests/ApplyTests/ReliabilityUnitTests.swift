import Foundation
import Plan
import PlanFixtures
import XCTest

@testable import Apply

/// The lock value, staleness rules, file checks of the validator, the instance file comparison and
/// the device node checks.
final class ReliabilityUnitTests: XCTestCase {
    func testDeviceNodesAreCheckedByKind() {
        XCTAssertNil(DeviceNodes.problem(type: "unix-char", at: "/dev/null"))
        XCTAssertEqual(
            DeviceNodes.problem(type: "unix-block", at: "/dev/null"),
            "is a character device, not the block device the plan gives")
        XCTAssertEqual(
            DeviceNodes.problem(type: "unix-char", at: "/dev/no-such-node"),
            "does not exist on the server's host (docker refuses a missing device too)")
        XCTAssertEqual(
            DeviceNodes.problem(type: "unix-char", at: "/tmp"),
            "is not a device node, not the character device the plan gives")
    }

    func testLockValueRoundTripsAndNamesTheHolder() throws {
        let since = Date(timeIntervalSince1970: 1_800_000_000)
        let holder = LockHolder(pid: 4242, host: "build-7", since: since, token: "abc", renewed: since)
        XCTAssertEqual(LockHolder.parse(holder.value), holder)
        XCTAssertEqual(
            holder.value, "pid=4242 host=build-7 since=2027-01-15T08:00:00Z renewed=2027-01-15T08:00:00Z token=abc")
        XCTAssertEqual(holder.description, "pid 4242 on build-7 since 2027-01-15T08:00:00Z")
        XCTAssertNil(LockHolder.parse("garbage"))
    }

    func testStaleness() {
        let host = LockHolder.localHost
        XCTAssertNil(ProjectLock.staleness(LockHolder(pid: getpid(), host: host, since: Date(), token: "t")))
        XCTAssertNil(
            ProjectLock.staleness(
                LockHolder(pid: getpid(), host: host, since: Date().addingTimeInterval(-86400), token: "t")),
            "a long apply on this host keeps its lock while its process lives")
        XCTAssertNil(
            ProjectLock.staleness(LockHolder(pid: 1, host: "another-host", since: Date(), token: "t")),
            "a live-looking lock of another host is honoured")
        // A pid far above pid_max: no such process on this host.
        XCTAssertEqual(
            ProjectLock.staleness(LockHolder(pid: 2_000_000_000, host: host, since: Date(), token: "t")),
            "that process is not running any more")
        XCTAssertEqual(
            ProjectLock.staleness(
                LockHolder(pid: 1, host: "another-host", since: Date().addingTimeInterval(-4000), token: "t")),
            "it was not renewed for more than 300 s")
        XCTAssertNil(
            ProjectLock.staleness(
                LockHolder(
                    pid: 1, host: "another-host", since: Date().addingTimeInterval(-4000), token: "t",
                    renewed: Date().addingTimeInterval(-30))),
            "a long apply on another host that keeps renewing keeps its lock")
        XCTAssertEqual(ProjectLock.staleness(nil), "its value cannot be read")
    }

    func testFileTargetsAndModesAreValidated() {
        let cases: [(String, PlanFile, String)] = [
            (
                "run/x", PlanFile(kind: "content", source: "", uid: "0", gid: "0", mode: "0444"),
                "/instances/web-1/files/run~1x"
            ),
            (
                "/run/../x", PlanFile(kind: "content", source: "", uid: "0", gid: "0", mode: "0444"),
                "/instances/web-1/files/~1run~1..~1x"
            ),
            (
                "/x", PlanFile(kind: "secret", source: "", uid: "0", gid: "0", mode: "0444"),
                "/instances/web-1/files/~1x/kind"
            ),
            (
                "/x", PlanFile(kind: "file", source: "rel", uid: "0", gid: "0", mode: "0444"),
                "/instances/web-1/files/~1x/source"
            ),
            (
                "/x", PlanFile(kind: "content", source: "", uid: "root", gid: "0", mode: "0444"),
                "/instances/web-1/files/~1x/uid"
            ),
            (
                "/x", PlanFile(kind: "content", source: "", uid: "0", gid: "0", mode: "0999"),
                "/instances/web-1/files/~1x/mode"
            ),
        ]
        for (target, file, pointer) in cases {
            var plan = PlanFixtures.web(project: "demo", network: "n")
            plan.instances["web-1"]?.files = [target: file]
            XCTAssertThrowsError(try PlanValidator.load(plan.jsonValue)) { error in
                XCTAssertEqual((error as? PlanError)?.pointer, pointer, "\(error)")
            }
        }
    }

    func testFileComparisonIsByteOwnerAndMode() {
        let file = PlanFile(kind: "content", source: "a", uid: "0", gid: "0", mode: "0444")
        let same = InstanceFileState(type: "file", uid: "0", gid: "0", mode: "0444", content: Data("a".utf8))
        XCTAssertTrue(InstanceFiles.matches(same, file: file, content: Data("a".utf8)))
        XCTAssertTrue(
            InstanceFiles.matches(
                same, file: PlanFile(kind: "content", source: "a", uid: "0", gid: "0", mode: "444"),
                content: Data("a".utf8)))
        XCTAssertFalse(InstanceFiles.matches(same, file: file, content: Data("a\n".utf8)))
        var other = same
        other.mode = "0400"
        XCTAssertFalse(InstanceFiles.matches(other, file: file, content: Data("a".utf8)))
        other = same
        other.type = "directory"
        XCTAssertFalse(InstanceFiles.matches(other, file: file, content: Data("a".utf8)))
        XCTAssertFalse(InstanceFiles.matches(nil, file: file, content: Data("a".utf8)))
    }

    func testMissingFileSourcesAreNamed() {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        plan.instances["web-1"]?.files = [
            "/run/secrets/a": PlanFile(kind: "environment", source: "UNSET_VAR", uid: "0", gid: "0", mode: "0444")
        ]
        XCTAssertThrowsError(try InstanceFiles.resolve(plan, environment: [:])) { error in
            XCTAssertEqual(
                "\(error)",
                "instance web-1 file /run/secrets/a: cannot read its source, variable UNSET_VAR: it is not set in "
                    + "compose-apply's environment. Nothing was changed.")
        }
        XCTAssertEqual(
            try InstanceFiles.resolve(plan, environment: ["UNSET_VAR": "v"]),
            ["web-1": ["/run/secrets/a": Data("v".utf8)]])
    }
}
