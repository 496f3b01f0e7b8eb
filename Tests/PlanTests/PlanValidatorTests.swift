import PlanFixtures
import XCTest

@testable import Plan

final class PlanValidatorTests: XCTestCase {
    private func document(_ plan: Plan) -> JSONValue { plan.jsonValue }

    private func expectError(_ document: JSONValue, pointer: String, file: StaticString = #filePath, line: UInt = #line)
    {
        XCTAssertThrowsError(try PlanValidator.load(document), file: file, line: line) { error in
            guard let planError = error as? PlanError else {
                return XCTFail("not a PlanError: \(error)", file: file, line: line)
            }
            XCTAssertEqual(planError.pointer, pointer, "\(planError)", file: file, line: line)
        }
    }

    func testValidPlanLoads() throws {
        var plan = PlanFixtures.web(project: "demo", network: "demo-net", replicas: 2)
        PlanFixtures.addNATProxy(to: &plan, listen: "tcp:10.0.0.1:8080")
        XCTAssertEqual(try PlanValidator.load(document(plan)), plan)
    }

    func testPullPolicyRoundTripsAndOnlyAlwaysIsWritten() throws {
        var plan = PlanFixtures.web(project: "demo", network: "demo-net")
        plan.instances["web-1"]?.image = PlanImage(
            kind: "oci", reference: "docker.io/library/nginx:latest", remote: "", pullAlways: true)
        XCTAssertEqual(try PlanValidator.load(document(plan)), plan)
        let text = JanssonCoding.encode(document(plan)).replacingOccurrences(
            of: #""pull_policy": "always""#, with: #""pull_policy": "never""#)
        expectError(try JanssonCoding.decode(text), pointer: "/instances/web-1/image/pull_policy")
    }

    func testHostPathsRoundTripAndMustBeADisksSource() throws {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        plan.instances["web-1"]?.devices["mount-data"] = ["type": "disk", "source": "/srv/data", "path": "/data"]
        plan.instances["web-1"]?.createHostPaths = ["/srv/data"]
        XCTAssertEqual(try PlanValidator.load(document(plan)), plan)
        plan.instances["web-1"]?.createHostPaths = ["/etc/elsewhere"]
        expectError(document(plan), pointer: "/instances/web-1/create_host_paths/0")
        plan.instances["web-1"]?.createHostPaths = ["srv/data"]
        expectError(document(plan), pointer: "/instances/web-1/create_host_paths/0")
    }

    func testClusterTargetsRoundTripAndMayNotSplitANetwork() throws {
        var plan = PlanFixtures.web(project: "demo", network: "demo-net", replicas: 2)
        plan.project.target = "@fast"
        XCTAssertEqual(try PlanValidator.load(document(plan)), plan)
        plan.project.target = "m 1"
        expectError(document(plan), pointer: "/project/target")
        plan.project.target = "m1"
        // web-2 on another member than web-1, with which it shares the network.
        plan.instances["web-2"]?.target = "m2"
        expectError(document(plan), pointer: "/instances/web-2/target")
        plan.instances["web-1"]?.target = "m2"
        XCTAssertEqual(try PlanValidator.load(document(plan)), plan)
    }

    func testUnknownFormat() {
        guard case .object(var members) = document(PlanFixtures.web(project: "demo", network: "n")) else {
            return XCTFail("plan is not an object")
        }
        members["format"] = .integer(99)
        expectError(.object(members), pointer: "/format")
    }

    func testInvalidNames() {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        plan.instances["Bad_Name"] = plan.instances["web-1"]
        expectError(document(plan), pointer: "/instances/Bad_Name")
        plan = PlanFixtures.web(project: "demo", network: "network-name-too-long")
        expectError(document(plan), pointer: "/networks/network-name-too-long")
    }

    func testNonStringConfigValue() {
        guard case .object(var members) = document(PlanFixtures.web(project: "demo", network: "n")),
            case .object(var project)? = members["project"]
        else { return XCTFail("plan is not an object") }
        project["config"] = .object(["limits.cpu": .integer(2)])
        members["project"] = .object(project)
        expectError(.object(members), pointer: "/project/config/limits.cpu")
    }

    func testUndeclaredPlaceholder() {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        plan.instances["web-1"]?.devices["proxy-nat"] = [
            "type": "proxy", "nat": "true", "listen": "tcp:10.0.0.1:80", "connect": "tcp:{{web-1.eth0.ipv4}}:80",
        ]
        expectError(document(plan), pointer: "/instances/web-1/devices/proxy-nat/connect")
    }

    func testDanglingPlaceholderPointer() {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        PlanFixtures.addNATProxy(to: &plan, listen: "tcp:10.0.0.1:8080")
        plan.placeholders["web-1.eth0.ipv4"]?.pointers.append("/instances/web-1/devices/missing/connect")
        expectError(document(plan), pointer: "/placeholders/web-1.eth0.ipv4/pointers/1")
    }

    func testPointerToValueWithoutToken() {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        PlanFixtures.addNATProxy(to: &plan, listen: "tcp:10.0.0.1:8080")
        plan.placeholders["web-1.eth0.ipv4"]?.pointers = ["/instances/web-1/devices/proxy-nat/listen"]
        expectError(document(plan), pointer: "/placeholders/web-1.eth0.ipv4/pointers/0")
    }

    func testPlaceholderOnUnknownInstance() {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        PlanFixtures.addNATProxy(to: &plan, listen: "tcp:10.0.0.1:8080")
        plan.placeholders["web-1.eth0.ipv4"]?.instance = "web-9"
        expectError(document(plan), pointer: "/placeholders/web-1.eth0.ipv4/instance")
    }

    func testDependencyCycleAndUnknownDependency() {
        var plan = PlanFixtures.web(project: "demo", network: "n", replicas: 2)
        plan.instances["web-1"]?.dependsOn = ["web-2"]
        plan.instances["web-2"]?.dependsOn = ["web-1"]
        expectError(document(plan), pointer: "/instances/web-1/depends_on")
        plan.instances["web-2"]?.dependsOn = ["db-1"]
        expectError(document(plan), pointer: "/instances/web-2/depends_on/0")
    }

    func testMissingMarker() {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        plan.instances["web-1"]?.config["user.compose.project"] = nil
        expectError(document(plan), pointer: "/instances/web-1/config")
    }

    func testLiteralBracesInEnvironmentAreAllowed() throws {
        let plan = PlanFixtures.web(project: "demo", network: "n")
        XCTAssertEqual(
            try PlanValidator.load(document(plan)).instances["web-1"]?.config["environment.LITERAL"],
            "{{not-a-placeholder}}")
    }
}
