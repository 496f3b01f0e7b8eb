import Foundation
import Plan

/// The OCI images of one apply: their configs read from the registry (once, in preflight) and the
/// first instance creation of each, which pulls the image into the server's cache while later
/// replicas wait and then use that copy.
final class ResolvedImages: @unchecked Sendable {
    private let lock = NSLock()
    private var configs: [String: OCIImageConfig] = [:]
    private let pullLocks = KeyedLocks()
    private var pulled: Set<String> = []

    /// The config resolved for `reference`, if any.
    func config(_ reference: String) -> OCIImageConfig? {
        lock.lock()
        defer { lock.unlock() }
        return configs[reference]
    }

    /// What Incus sets by itself on an instance of `reference` (see `OCIImageConfig.instanceDefaults`).
    func instanceDefaults(_ reference: String) -> [String: String] {
        config(reference)?.instanceDefaults ?? [:]
    }

    func record(_ config: OCIImageConfig, for reference: String) {
        lock.lock()
        configs[reference] = config
        lock.unlock()
    }

    /// Runs `create` for an instance of `reference`: the first call of an apply reports the pull with
    /// its elapsed time (a progress line on terminals, a line when done); calls for the same image
    /// made meanwhile wait for it, then create at the same time as one another.
    func creating(_ reference: String, instance: String, reporter: Reporter, create: () throws -> Void) rethrows {
        var pulledBefore = false
        try pullLocks.withLock(reference) {
            lock.lock()
            pulledBefore = pulled.contains(reference)
            lock.unlock()
            guard !pulledBefore else { return }
            let started = Date()
            let ticker = ProgressTicker { seconds in
                reporter.progress("pulling image \(reference) for \(instance): \(seconds) s")
            }
            defer { ticker.stop() }
            try create()
            lock.lock()
            pulled.insert(reference)
            lock.unlock()
            reporter.note(
                "image \(reference) ready on the server for \(instance) (pulled unless cached) in "
                    + String(format: "%.1f s", Date().timeIntervalSince(started)))
        }
        if pulledBefore { try create() }
    }
}

/// Calls `tick` with the whole seconds elapsed, once a second, on a thread of its own until stopped.
final class ProgressTicker: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false

    init(_ tick: @escaping @Sendable (Int) -> Void) {
        let thread = Thread { [self] in
            var seconds = 0
            condition.lock()
            while !stopped {
                if !condition.wait(until: Date().addingTimeInterval(1)) {
                    seconds += 1
                    condition.unlock()
                    tick(seconds)
                    condition.lock()
                }
            }
            condition.unlock()
        }
        thread.start()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
