import Foundation

/// Runs jobs that depend on each other on a fixed number of threads.
///
/// A job starts once every job it depends on has succeeded; a job whose dependency failed is not run
/// and fails with `ApplyError.dependencyFailed`. Ready jobs start in name order, so a run with
/// `workers: 1` is deterministic.
final class Scheduler: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [String: Set<String>]
    private var running: Set<String> = []
    private var succeeded: Set<String> = []
    private var failures: [String: Error] = [:]

    /// `dependencies` maps every job name to the names it waits for (all of them must be jobs).
    init(dependencies: [String: Set<String>]) {
        pending = dependencies
    }

    /// Runs every job with `work`, `workers` at a time, and returns the failures by job name.
    func run(workers: Int, _ work: @escaping @Sendable (String) throws -> Void) -> [String: Error] {
        let count = max(1, min(workers, pending.count))
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread { [self] in
                workerLoop(work)
                group.leave()
            }
            thread.name = "apply-worker-\(index)"
            thread.stackSize = 4 << 20
            thread.start()
        }
        group.wait()
        return failures
    }

    private func workerLoop(_ work: (String) throws -> Void) {
        while let job = nextJob() {
            do {
                try work(job)
                finish(job, error: nil)
            } catch {
                finish(job, error: error)
            }
        }
    }

    /// The next runnable job, waiting while jobs are running; `nil` when nothing is left to start.
    private func nextJob() -> String? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            skipBlocked()
            if let ready = pending.filter({ $0.value.isSubset(of: succeeded) }).keys.sorted().first {
                pending[ready] = nil
                running.insert(ready)
                return ready
            }
            if pending.isEmpty || running.isEmpty { return nil }
            condition.wait()
        }
    }

    /// Fails jobs whose dependencies failed, so their dependants fail in turn.
    private func skipBlocked() {
        var changed = true
        while changed {
            changed = false
            for name in pending.keys.sorted() {
                guard let dependencies = pending[name],
                    let failed = dependencies.sorted().first(where: { failures[$0] != nil })
                else { continue }
                pending[name] = nil
                failures[name] = ApplyError.dependencyFailed(instance: name, dependency: failed)
                changed = true
            }
        }
    }

    private func finish(_ job: String, error: Error?) {
        condition.lock()
        running.remove(job)
        if let error { failures[job] = error } else { succeeded.insert(job) }
        condition.broadcast()
        condition.unlock()
    }
}
