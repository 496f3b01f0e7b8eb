import FoundationEssentials

/// RFC 6901 JSON pointers, used by the plan to name where a placeholder is used.
public enum JSONPointer {
    /// Escapes one reference token (`~` → `~0`, `/` → `~1`).
    public static func escape(_ token: String) -> String {
        token.replacingScalars(of: "~", with: "~0").replacingScalars(of: "/", with: "~1")
    }

    /// Builds a pointer from unescaped tokens.
    public static func make(_ tokens: [String]) -> String {
        tokens.map { "/" + escape($0) }.joined()
    }

    /// Splits a pointer into unescaped tokens; `nil` when it does not start with `/` (or is not empty).
    public static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).replacingScalars(of: "~1", with: "/").replacingScalars(of: "~0", with: "~")
        }
    }

    /// The value a pointer designates inside `document`, or `nil` when it does not resolve.
    public static func resolve(_ pointer: String, in document: JSONValue) -> JSONValue? {
        guard let tokens = tokens(pointer) else { return nil }
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(token), index >= 0, index < elements.count,
                    String(index) == token
                else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Replaces the value at `pointer`; returns false (leaving `document` unchanged) when it does not resolve.
    public static func replace(_ pointer: String, in document: inout JSONValue, with value: JSONValue) -> Bool {
        guard let tokens = tokens(pointer) else { return false }
        return replace(tokens[...], in: &document, with: value)
    }

    private static func replace(_ tokens: ArraySlice<String>, in document: inout JSONValue, with value: JSONValue)
        -> Bool
    {
        guard let first = tokens.first else {
            document = value
            return true
        }
        switch document {
        case .object(var members):
            guard var child = members[first] else { return false }
            guard replace(tokens.dropFirst(), in: &child, with: value) else { return false }
            members[first] = child
            document = .object(members)
            return true
        case .array(var elements):
            guard let index = Int(first), index >= 0, index < elements.count else { return false }
            var child = elements[index]
            guard replace(tokens.dropFirst(), in: &child, with: value) else { return false }
            elements[index] = child
            document = .array(elements)
            return true
        default:
            return false
        }
    }
}
