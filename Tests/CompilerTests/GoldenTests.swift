import Foundation
import XCTest

/// Every golden/<case> compiles to exactly the bytes of its plan.json and warnings.txt.
///
/// The cases run through scripts/golden-run.sh, the same script scripts/update-golden.sh uses,
/// so the test and the update can never disagree about how a case is compiled.
final class GoldenTests: XCTestCase {
    func testEveryGoldenCaseMatchesByteForByte() throws {
        let cases = try TestSupport.goldenCases()
        XCTAssertGreaterThanOrEqual(cases.count, 12)
        for caseDirectory in cases {
            let name = caseDirectory.lastPathComponent
            let result = try TestSupport.run(
                "/bin/bash",
                [
                    TestSupport.repositoryRoot.appendingPathComponent("scripts/golden-run.sh").path,
                    TestSupport.compileBinary.path, caseDirectory.path,
                ])
            XCTAssertEqual(result.status, 0, "\(name): \(result.standardError)")
            let expectedPlan = try String(
                contentsOf: caseDirectory.appendingPathComponent("plan.json"), encoding: .utf8)
            XCTAssertEqual(
                result.standardOutput, expectedPlan,
                "golden case \(name): plan differs (scripts/update-golden.sh, then read the diff)")
            let warningsFile = caseDirectory.appendingPathComponent("warnings.txt")
            let expectedWarnings = (try? String(contentsOf: warningsFile, encoding: .utf8)) ?? ""
            XCTAssertEqual(result.standardError, expectedWarnings, "golden case \(name): warnings differ")
        }
    }

    /// Every golden/invalid/<case>.yaml is refused with exactly the error of errors.txt, exit 1 and
    /// no plan (scripts/invalid-run.sh checks the last two and says so in its output).
    func testEveryInvalidFileIsRefusedWithItsError() throws {
        let result = try TestSupport.run(
            "/bin/bash",
            [
                TestSupport.repositoryRoot.appendingPathComponent("scripts/invalid-run.sh").path,
                TestSupport.compileBinary.path,
            ])
        XCTAssertEqual(result.status, 0, result.standardError)
        let expected = try String(
            contentsOf: TestSupport.repositoryRoot.appendingPathComponent("golden/invalid/errors.txt"), encoding: .utf8)
        XCTAssertEqual(
            result.standardOutput, expected, "errors differ (scripts/update-golden.sh, then read the diff)")
        XCTAssertGreaterThanOrEqual(expected.components(separatedBy: "\n== ").count, 40)
    }

    func testEveryGoldenPlanValidatesAgainstTheSchema() throws {
        let plans = try TestSupport.goldenCases().map { $0.appendingPathComponent("plan.json").path }
        let result = try TestSupport.run(
            "/usr/bin/env",
            [
                "python3", TestSupport.repositoryRoot.appendingPathComponent("scripts/validate-plan.py").path,
                TestSupport.repositoryRoot.appendingPathComponent("docs/plan.schema.json").path,
            ] + plans)
        XCTAssertEqual(result.status, 0, result.standardOutput + result.standardError)
    }

    /// Twenty fresh processes, with different hash seeds and working directories, print one plan.
    func testPlansAreIdenticalAcrossProcesses() throws {
        let caseDirectory = TestSupport.repositoryRoot.appendingPathComponent("golden/with-nat-proxy")
        var outputs = Set<String>()
        for run in 0..<20 {
            let workingDirectory = run % 2 == 0 ? "/" : NSTemporaryDirectory()
            let result = try TestSupport.run(
                TestSupport.compileBinary.path, ["-f", caseDirectory.appendingPathComponent("compose.yaml").path],
                environment: ["SWIFT_DETERMINISTIC_HASHING": run % 3 == 0 ? "1" : "", "UNRELATED_\(run)": "x"],
                workingDirectory: workingDirectory)
            XCTAssertEqual(result.status, 0, result.standardError)
            outputs.insert(result.standardOutput)
        }
        XCTAssertEqual(outputs.count, 1)
    }
}
