import Foundation

/// Wall time of each pipeline stage on standard error, when `COMPOSE_COMPILE_TIMINGS` is set:
/// what `docs/benchmarks.md` uses to see where a large project's time goes. Stages mark their
/// end from the thread that runs the pipeline; off, a mark costs one test of a constant.
public enum StageTimings {
    static let isEnabled = ProcessInfo.processInfo.environment["COMPOSE_COMPILE_TIMINGS"] != nil
    private static let clock = StageClock()

    /// Prints the time since the previous mark (or since the first use) under `stage`.
    public static func mark(_ stage: StaticString) {
        guard isEnabled else { return }
        let elapsed = clock.lap()
        let text = "\(stage)".padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%8.1f ms\n", elapsed)
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// The time of the last lap, behind a lock so a mark from any thread is safe.
private final class StageClock: @unchecked Sendable {
    private let lock = NSLock()
    private var last = DispatchTime.now().uptimeNanoseconds

    /// Milliseconds since the previous lap.
    func lap() -> Double {
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1_000_000
    }
}
