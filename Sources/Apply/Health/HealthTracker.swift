import Foundation

/// What one apply knows of its instances' health and jobs: when it started each instance (the start
/// of docker's start period), and each wait's outcome, so that several dependents of one database
/// wait on one series of checks.
final class HealthTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var startTimes: [String: Date] = [:]
    private var outcomes: [String: Result<Void, Error>] = [:]
    private let waitLocks = KeyedLocks()

    /// Records that apply just started `instance`.
    func started(_ instance: String) {
        lock.lock()
        startTimes[instance] = Date()
        outcomes[instance] = nil
        lock.unlock()
    }

    /// When this apply started `instance`; `nil` when it was running already.
    func startTime(_ instance: String) -> Date? {
        lock.lock()
        defer { lock.unlock() }
        return startTimes[instance]
    }

    /// Runs `wait` for `instance` once: later and concurrent callers get its outcome.
    func once(_ instance: String, _ wait: () throws -> Void) throws {
        try waitLocks.withLock(instance) {
            lock.lock()
            let known = outcomes[instance]
            lock.unlock()
            if let known { return try known.get() }
            let outcome = Result { try wait() }
            lock.lock()
            outcomes[instance] = outcome
            lock.unlock()
            try outcome.get()
        }
    }
}
