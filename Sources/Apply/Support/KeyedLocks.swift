import Foundation

/// One lock per key (an image reference, an instance name): callers with the same key run one after
/// the other, callers with different keys at the same time.
final class KeyedLocks: @unchecked Sendable {
    private let lock = NSLock()
    private var locks: [String: NSLock] = [:]

    func withLock<Result>(_ key: String, _ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        let keyLock = locks[key] ?? NSLock()
        locks[key] = keyLock
        lock.unlock()
        keyLock.lock()
        defer { keyLock.unlock() }
        return try body()
    }
}
