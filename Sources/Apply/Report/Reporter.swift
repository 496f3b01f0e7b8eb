import Foundation

/// What happened to one resource.
public enum Outcome: String, CaseIterable, Sendable {
    case created, updated, unchanged, deleted
}

/// Totals printed at the end of an apply.
public struct Summary: Equatable, Sendable, CustomStringConvertible {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var deleted = 0
    public var fallbacks = 0
    public var warnings = 0

    public var description: String {
        "\(created) created, \(updated) updated, \(unchanged) unchanged, \(deleted) deleted, "
            + "\(fallbacks) fallback\(fallbacks == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
    }
}

/// Writes one line per action to stderr (what, where, how long) and keeps the totals.
///
/// On a terminal a single progress line is redrawn under the action lines; elsewhere (logs, CI) only
/// plain lines are written.
public final class Reporter: @unchecked Sendable {
    private let lock = NSLock()
    private let write: @Sendable (String) -> Void
    private let isTerminal: Bool
    private var progressLine: String?
    /// `would create …` instead of `created …`.
    public let dryRun: Bool
    private(set) var totals = Summary()

    /// A reporter writing through `write` (stderr by default).
    public init(dryRun: Bool = false, isTerminal: Bool? = nil, write: (@Sendable (String) -> Void)? = nil) {
        self.dryRun = dryRun
        self.isTerminal = isTerminal ?? (isatty(STDERR_FILENO) == 1)
        self.write = write ?? { text in FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// The totals so far.
    public var summary: Summary {
        lock.lock()
        defer { lock.unlock() }
        return totals
    }

    /// Records what happened to `what` (e.g. `instance web-1 (project demo)`), with the time it took.
    public func record(_ outcome: Outcome, _ what: String, detail: String? = nil, seconds: TimeInterval? = nil) {
        lock.lock()
        switch outcome {
        case .created: totals.created += 1
        case .updated: totals.updated += 1
        case .unchanged: totals.unchanged += 1
        case .deleted: totals.deleted += 1
        }
        lock.unlock()
        let verb: String
        if dryRun && outcome != .unchanged {
            verb =
                "would "
                + ["created": "create", "updated": "update", "deleted": "delete"][outcome.rawValue, default: ""]
        } else {
            verb = outcome.rawValue
        }
        var line = "\(verb) \(what)"
        if let detail, !detail.isEmpty { line += ": \(detail)" }
        if let seconds { line += String(format: " (%.2f s)", seconds) }
        emit(line)
    }

    /// A NAT proxy that became a userspace proxy; never fails the apply.
    public func fallback(_ what: String, reason: String) {
        lock.lock()
        totals.fallbacks += 1
        lock.unlock()
        emit("warning: fallback \(what): \(reason)")
    }

    /// Anything the user should know that is not an error.
    public func warning(_ text: String) {
        lock.lock()
        totals.warnings += 1
        lock.unlock()
        emit("warning: \(text)")
    }

    /// A plain informational line.
    public func note(_ text: String) {
        emit(text)
    }

    /// Updates the progress line (terminals only).
    public func progress(_ text: String) {
        guard isTerminal else { return }
        lock.lock()
        progressLine = text
        write("\r\u{1B}[K" + text)
        lock.unlock()
    }

    /// Removes the progress line and prints the summary with the number of write requests sent
    /// (resource writes; the writes that took and released the apply lock are counted apart).
    public func finish(writeRequests: Int, lockWrites: Int = 0) {
        lock.lock()
        if isTerminal && progressLine != nil { write("\r\u{1B}[K") }
        progressLine = nil
        let totals = self.totals
        lock.unlock()
        var writes = "\(writeRequests) write request\(writeRequests == 1 ? "" : "s")"
        if lockWrites > 0 { writes += ", \(lockWrites) lock write\(lockWrites == 1 ? "" : "s")" }
        emit((dryRun ? "dry run, nothing changed: " : "summary: ") + totals.description + " (\(writes))")
    }

    private func emit(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        if isTerminal, let progressLine {
            write("\r\u{1B}[K" + line + "\n" + progressLine)
        } else {
            write(line + "\n")
        }
    }
}
