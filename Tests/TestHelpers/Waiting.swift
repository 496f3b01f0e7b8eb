import Foundation

/// Collects the lines a `Reporter` writes.
public final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""

    public init() {}

    public func append(_ chunk: String) {
        lock.lock()
        text += chunk
        lock.unlock()
    }

    public var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return text.split(separator: "\n").map(String.init)
    }
}

/// Whether `condition` holds within `seconds`, checked every `interval` seconds (at least once).
public func waitUntil(seconds: Double, interval: Double = 0.05, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    repeat {
        if condition() { return true }
        Thread.sleep(forTimeInterval: interval)
    } while Date() < deadline
    return false
}
