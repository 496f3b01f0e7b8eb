import Foundation
import Plan

/// Placeholder values known so far (token → address), shared by the instance workers.
public final class PlaceholderValues: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String]

    /// A store starting with `initial` values.
    public init(_ initial: [String: String] = [:]) {
        values = initial
    }

    /// A copy of every known value.
    public var snapshot: [String: String] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }

    /// Records (or replaces) a value.
    public func set(_ token: String, _ value: String) {
        lock.lock()
        values[token] = value
        lock.unlock()
    }

    /// Forgets a value (its instance is being recreated and will get a new address).
    public func remove(_ token: String) {
        lock.lock()
        values[token] = nil
        lock.unlock()
    }
}

/// Which tokens each plan value uses, from the plan's placeholder pointers.
public struct PlaceholderIndex: Sendable {
    /// Pointer → tokens listed for it, sorted.
    public let tokensByPointer: [String: [String]]
    private let plan: Plan

    public init(plan: Plan) {
        self.plan = plan
        var index: [String: [String]] = [:]
        for (token, placeholder) in plan.placeholders {
            for pointer in placeholder.pointers { index[pointer, default: []].append(token) }
        }
        tokensByPointer = index.mapValues { $0.sorted() }
    }

    /// The tokens whose addresses belong to `instance`, sorted.
    public func ownTokens(of instance: String) -> [String] {
        plan.placeholders.filter { $0.value.instance == instance }.map(\.key).sorted()
    }

    /// Substitutes the known tokens listed for `pointer` in `text`; `nil` when one is still unknown.
    public func resolve(_ text: String, at pointer: String, values: [String: String]) -> String? {
        var result = text
        for token in tokensByPointer[pointer] ?? [] {
            guard let value = values[token] else { return nil }
            result = PlaceholderTokens.substitute(token, with: value, in: result)
        }
        return result
    }

    /// Whether any value of the instance uses an address of another instance. (Image values are
    /// known before any instance is converged.)
    public func usesForeignTokens(_ instance: String) -> Bool {
        let prefix = JSONPointer.make(["instances", instance]) + "/"
        return tokensByPointer.contains { pointer, tokens in
            pointer.hasPrefix(prefix)
                && tokens.contains { token in
                    plan.placeholders[token].map { !$0.isImageValue && $0.instance != instance } ?? false
                }
        }
    }

    /// The `ipv4.address` / `ipv6.address` key a placeholder pins on its NIC.
    public static func addressKey(family: String) -> String { family + ".address" }
}
