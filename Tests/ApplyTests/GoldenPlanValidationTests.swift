import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

/// Every golden plan the compiler produces must pass apply's validation.
final class GoldenPlanValidationTests: XCTestCase {
    func testGoldenPlansValidate() throws {
        let golden = RepositoryPaths.root.appendingPathComponent("golden").path
        let cases = (try? FileManager.default.contentsOfDirectory(atPath: golden)) ?? []
        var checked = 0
        for name in cases.sorted() {
            let path = golden + "/\(name)/plan.json"
            // A case being written may have an empty plan for a moment; only finished plans count.
            guard let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0 else {
                continue
            }
            XCTAssertNoThrow(try ApplyRun.loadPlan(path), "golden/\(name)/plan.json")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 0, "no golden plans found under \(golden)")
    }
}
