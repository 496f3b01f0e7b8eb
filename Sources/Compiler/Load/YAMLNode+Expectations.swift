/// Type checks on model nodes that fail with a positioned `CompileError`. The path is an
/// autoclosure: it is spelt out only for an error, not on every check that passes.
extension YAMLNode {
    /// The pairs of a mapping, or an error naming what was found instead.
    func expectMapping(_ path: @autoclosure () -> String) throws -> [YAMLPair] {
        guard let pairs = mapping else {
            throw CompileError("expected a mapping, found \(kindName)", at: location, path: path())
        }
        return pairs
    }

    /// The items of a sequence, or an error.
    func expectSequence(_ path: @autoclosure () -> String) throws -> [YAMLNode] {
        guard let items = sequence else {
            throw CompileError("expected a list, found \(kindName)", at: location, path: path())
        }
        return items
    }

    /// The text of a string, number or boolean scalar, or an error.
    func expectScalarText(_ path: @autoclosure () -> String) throws -> String {
        guard let text = scalarText else {
            throw CompileError("expected a string, found \(kindName)", at: location, path: path())
        }
        return text
    }

    /// A whole number (an integer scalar or a string of digits), or an error.
    func expectInteger(_ path: @autoclosure () -> String) throws -> Int64 {
        switch resolved {
        case .integer(let value): return value
        case .string(let text):
            if let value = Int64(text.trimming(" ")) { return value }
        default: break
        }
        throw CompileError(
            "expected a whole number, found \(kindName) '\(scalar?.text ?? "")'", at: location, path: path())
    }

    /// A boolean (YAML true/false, or the strings "true"/"false"), or an error.
    func expectBool(_ path: @autoclosure () -> String) throws -> Bool {
        switch resolved {
        case .bool(let value): return value
        case .string(let text) where text.lowercased() == "true": return true
        case .string(let text) where text.lowercased() == "false": return false
        default:
            throw CompileError("expected true or false, found \(kindName)", at: location, path: path())
        }
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func trimming(_ set: Character) -> String {
        var slice = Substring(self)
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set { slice = slice.dropLast() }
        return String(slice)
    }
}
