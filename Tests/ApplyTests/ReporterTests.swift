import Foundation
import TestHelpers
import XCTest

@testable import Apply

final class ReporterTests: XCTestCase {
    private func collect(dryRun: Bool, _ body: (Reporter) -> Void) -> [String] {
        let lines = LineCollector()
        let reporter = Reporter(dryRun: dryRun, isTerminal: false, write: { lines.append($0) })
        body(reporter)
        return lines.lines
    }

    func testActionLinesAndSummary() {
        let lines = collect(dryRun: false) { reporter in
            reporter.record(.created, "instance web-1 (project demo)", seconds: 1.234)
            reporter.record(.unchanged, "network demo-net")
            reporter.fallback("proxy p of instance web-1", reason: "because")
            reporter.finish(writeRequests: 3)
        }
        XCTAssertEqual(
            lines,
            [
                "created instance web-1 (project demo) (1.23 s)", "unchanged network demo-net",
                "warning: fallback proxy p of instance web-1: because",
                "summary: 1 created, 0 updated, 1 unchanged, 0 deleted, 1 fallback, 0 warnings (3 write requests)",
            ])
    }

    func testDryRunVerbs() {
        let lines = collect(dryRun: true) { reporter in
            reporter.record(.updated, "network n", detail: "ipv4.nat")
            reporter.record(.deleted, "instance web-2 (project demo)")
            reporter.finish(writeRequests: 0)
        }
        XCTAssertEqual(lines[0], "would update network n: ipv4.nat")
        XCTAssertEqual(lines[1], "would delete instance web-2 (project demo)")
        XCTAssertTrue(lines[2].hasPrefix("dry run, nothing changed: "))
    }

    func testProgressOnlyOnTerminals() {
        let plain = collect(dryRun: false) { $0.progress("3 of 7") }
        XCTAssertEqual(plain, [])
        let lines = LineCollector()
        let reporter = Reporter(isTerminal: true, write: { lines.append($0) })
        reporter.progress("3 of 7")
        reporter.record(.created, "x")
        XCTAssertTrue(lines.lines.joined().contains("\u{1B}[K"))
    }
}
