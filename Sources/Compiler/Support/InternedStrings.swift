import Synchronization

/// Strings numbered from 0 in the order they were first seen, so values copied at every stage can
/// hold a number where a string would be retained and released with each copy. The numbers only
/// stand for strings inside one process: nothing prints or sorts by them.
final class InternedStrings: Sendable {
    /// The paths of the files locations point into (`SourceLocation`).
    static let sourceFiles = InternedStrings()
    /// The tags of YAML nodes (`YAMLNode.tag`).
    static let yamlTags = InternedStrings()

    private struct Registry {
        var strings: [String] = []
        var numbers: [String: UInt32] = [:]
    }

    private let registry = Mutex(Registry())

    /// The number of `string`, given it on first sight. Inputs are far too small to number 4
    /// billion strings (the YAML parser's node limit comes first).
    func number(of string: String) -> UInt32 {
        registry.withLock { registry in
            if let number = registry.numbers[string] { return number }
            let number = UInt32(clamping: registry.strings.count)
            registry.strings.append(string)
            registry.numbers[string] = number
            return number
        }
    }

    /// The string numbered `number`.
    func string(_ number: UInt32) -> String {
        registry.withLock { $0.strings[Int(number)] }
    }
}
