import Foundation
import XCTest

@testable import Apply

/// Thread-safe bookkeeping for scheduler jobs.
private final class JobLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var order: [String] = []
    private var running = 0
    private(set) var peak = 0

    func begin(_ name: String) {
        lock.lock()
        order.append(name)
        running += 1
        peak = max(peak, running)
        lock.unlock()
    }

    func end() {
        lock.lock()
        running -= 1
        lock.unlock()
    }
}

final class SchedulerTests: XCTestCase {
    func testDependenciesRunFirstAndFailuresPropagate() {
        struct Boom: Error {}
        let log = JobLog()
        let scheduler = Scheduler(dependencies: [
            "db": [], "api": ["db"], "web": ["api"], "cache": [], "bad": [], "after-bad": ["bad"],
        ])
        let failures = scheduler.run(workers: 3) { name in
            log.begin(name)
            log.end()
            if name == "bad" { throw Boom() }
        }
        XCTAssertEqual(Set(failures.keys), ["bad", "after-bad"])
        XCTAssertEqual(
            failures["after-bad"] as? ApplyError, .dependencyFailed(instance: "after-bad", dependency: "bad"))
        let order = log.order
        guard let db = order.firstIndex(of: "db"), let api = order.firstIndex(of: "api"),
            let web = order.firstIndex(of: "web")
        else { return XCTFail("jobs missing: \(order)") }
        XCTAssertLessThan(db, api)
        XCTAssertLessThan(api, web)
        XCTAssertFalse(order.contains("after-bad"))
    }

    func testParallelismIsBounded() {
        let log = JobLog()
        let jobs = Dictionary(uniqueKeysWithValues: (1...8).map { ("job-\($0)", Set<String>()) })
        _ = Scheduler(dependencies: jobs).run(workers: 3) { name in
            log.begin(name)
            Thread.sleep(forTimeInterval: 0.05)
            log.end()
        }
        XCTAssertEqual(log.peak, 3)
        XCTAssertEqual(log.order.count, 8)
    }
}
