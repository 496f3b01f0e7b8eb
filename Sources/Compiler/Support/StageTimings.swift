import Dispatch
import FoundationEssentials
import Synchronization

/// Wall time of each pipeline stage on standard error, when `COMPOSE_COMPILE_TIMINGS` is set:
/// what `docs/benchmarks.md` uses to see where a large project's time goes. Stages mark their
/// end from the thread that runs the pipeline; off, a mark costs one test of a constant.
public enum StageTimings {
    static let isEnabled = ProcessInfo.processInfo.environment["COMPOSE_COMPILE_TIMINGS"] != nil
    private static let clock = StageClock()

    /// Prints the time since the previous mark (or since the first use) under `stage`.
    public static func mark(_ stage: StaticString) {
        guard isEnabled else { return }
        StandardStreams.writeError(line(stage: "\(stage)", milliseconds: clock.lap()))
    }

    /// `stage` padded to 24 columns, then the time right-aligned in 8 with one decimal.
    static func line(stage: String, milliseconds: Double) -> String {
        let tenths = Int((milliseconds * 10).rounded())
        let time = "\(tenths / 10).\(tenths % 10)"
        let name = String(stage.prefix(24))
        let padded = name + String(repeating: " ", count: 24 - name.count)
        return padded + String(repeating: " ", count: max(0, 8 - time.count)) + time + " ms\n"
    }
}

/// The time of the last lap, behind a lock so a mark from any thread is safe.
private final class StageClock: Sendable {
    private let last = Mutex(DispatchTime.now().uptimeNanoseconds)

    /// Milliseconds since the previous lap.
    func lap() -> Double {
        last.withLock { last in
            let now = DispatchTime.now().uptimeNanoseconds
            defer { last = now }
            return Double(now - last) / 1_000_000
        }
    }
}
