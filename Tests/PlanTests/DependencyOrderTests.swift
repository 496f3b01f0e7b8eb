import PlanFixtures
import XCTest

@testable import Plan

/// The plan's `depends_on` check: cycles are named, and long chains do not overflow the stack.
final class DependencyOrderTests: XCTestCase {
    func plan(_ edges: [String: [String]]) -> Plan {
        var plan = PlanFixtures.web(project: "demo", network: "demo-default")
        plan.instances = [:]
        for (name, dependsOn) in edges {
            plan.instances[name] = PlanFixtures.instance(
                project: "demo", service: name, replica: 1, network: "demo-default", image: "compose-test",
                dependsOn: dependsOn)
        }
        return plan
    }

    func testCycleIsNamed() {
        XCTAssertThrowsError(try DependencyOrder.checkAcyclic(plan(["a": ["b"], "b": ["c"], "c": ["a"], "d": []]))) {
            XCTAssertEqual("\($0)", "plan /instances/a/depends_on: depends_on forms a cycle: a → b → c → a")
        }
        XCTAssertThrowsError(try DependencyOrder.checkAcyclic(plan(["a": ["a"]]))) {
            XCTAssertEqual("\($0)", "plan /instances/a/depends_on: depends_on forms a cycle: a → a")
        }
        XCTAssertNoThrow(try DependencyOrder.checkAcyclic(plan(["a": ["b", "c"], "b": ["c"], "c": []])))
    }

    /// 20,000 instances each depending on the next: a recursive walk crashed compose-apply here
    /// (found by hand while probing long chains on the compiler side; compose-compile writes such plans).
    func testLongChainDoesNotOverflowTheStack() {
        var edges: [String: [String]] = [:]
        for index in 0..<20_000 { edges["i\(index)"] = index < 19_999 ? ["i\(index + 1)"] : [] }
        XCTAssertNoThrow(try DependencyOrder.checkAcyclic(plan(edges)))
        edges["i19999"] = ["i0"]
        XCTAssertThrowsError(try DependencyOrder.checkAcyclic(plan(edges))) {
            XCTAssertTrue("\($0)".hasPrefix("plan /instances/i0/depends_on: depends_on forms a cycle: i0 → i1 → "))
        }
    }
}
