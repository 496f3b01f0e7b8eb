import Foundation

/// SIGINT / SIGTERM handling of `compose-apply`: the first signal lets the instances being converged
/// finish, starts no new one, skips the later stages and releases the lock (exit 130); a second signal
/// exits at once (the lock is then left behind, and the next run on this host takes it over).
public enum Interruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var signals = 0
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Whether an interrupt was received.
    public static var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return signals > 0
    }

    /// Installs the handlers (the command-line tool does; tests running apply in-process do not).
    public static func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { received() }
            source.resume()
            lock.lock()
            sources.append(source)
            lock.unlock()
        }
    }

    /// Records one interrupt (what a signal does), for tests.
    static func received() {
        lock.lock()
        signals += 1
        let count = signals
        lock.unlock()
        if count == 1 {
            FileHandle.standardError.write(
                Data(
                    ("compose-apply: interrupted: finishing the instances in progress, starting no new one, then "
                        + "releasing the lock (interrupt again to stop at once)\n").utf8))
        } else {
            FileHandle.standardError.write(Data("compose-apply: interrupted again: stopping now\n".utf8))
            exit(130)
        }
    }

    /// Throws `ApplyError.interrupted` when an interrupt was received; called between stages.
    static func check(before stage: String) throws {
        if isRequested { throw ApplyError.interrupted(before: stage) }
    }
}
