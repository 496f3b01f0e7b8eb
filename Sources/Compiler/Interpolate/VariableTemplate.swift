/// Why a string could not be interpolated.
public enum InterpolationFailure: Error, Equatable, Sendable {
    /// `${VAR:?message}` or `${VAR?message}` met an unset (or, for `:?`, empty) variable.
    case missingRequired(variable: String, reason: String)
    /// A `${` that does not start a valid substitution (`${}`, `${1}`, `${A B}`, a missing `}`).
    case invalidTemplate(String)
    /// Defaults nested deeper than `VariableTemplate.maximumNesting` (`${A:-${A:-${A:-…}}}`).
    case nestedTooDeep

    /// The sentence users see, worded like docker compose's.
    public var message: String {
        switch self {
        case .missingRequired(let variable, let reason):
            if reason.isEmpty { return "required variable \(variable) is missing a value" }
            return "required variable \(variable) is missing a value: \(reason)"
        case .invalidTemplate(let template):
            return "invalid interpolation format \"\(template)\"; you may need to escape any $ with another $"
        case .nestedTooDeep:
            return "interpolation nests ${...} more than \(VariableTemplate.maximumNesting) levels deep"
        }
    }
}

/// Substitutes `$VAR`, `${VAR}` and the compose-spec operators in one string.
///
/// The forms follow the compose specification: `${VAR:-default}` and `${VAR-default}` (default when
/// unset or empty / only when unset), `${VAR:?message}` and `${VAR?message}` (fail), `${VAR:+alt}` and
/// `${VAR+alt}` (replacement when set), nesting inside defaults (`${A:-${B}}`), and `$$` for a literal
/// `$`. Variable names are `[_A-Za-z][_A-Za-z0-9]*`. A `$` followed by anything else stays as it is.
/// An unset variable without an operator becomes the empty string, and `unset` is told its name.
public struct VariableTemplate {
    /// Looks a variable up; `nil` means unset, which differs from set to "".
    public var lookup: (String) -> String?
    /// Called with the name of each variable that was unset and had no default.
    public var unset: (String) -> Void
    /// Called for every variable a template names: its name, operator (`:-`, `?`, …; `nil` for a
    /// bare `$NAME` or `${NAME}`) and the text after the operator, as written.
    public var observe: ((_ name: String, _ operator: String?, _ argument: String) -> Void)?

    public init(lookup: @escaping (String) -> String?, unset: @escaping (String) -> Void = { _ in }) {
        self.lookup = lookup
        self.unset = unset
    }

    /// Deepest nesting of substitutions inside defaults and alternatives. Each level copies the rest of
    /// the string and holds a stack frame, so a megabyte of `${A:-` would otherwise exhaust both.
    public static let maximumNesting = 16

    /// The string with every substitution applied.
    public func substitute(_ text: String) throws(InterpolationFailure) -> String {
        try substitute(text, depth: 0)
    }

    func substitute(_ text: String, depth: Int) throws(InterpolationFailure) -> String {
        guard text.contains("$") else { return text }
        guard depth <= Self.maximumNesting else { throw .nestedTooDeep }
        let chars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < chars.count {
            let char = chars[index]
            guard char == "$", index + 1 < chars.count else {
                output.append(char)
                index += 1
                continue
            }
            let next = chars[index + 1]
            if next == "$" {
                output.append("$")
                index += 2
            } else if Self.isNameStart(next) {
                var end = index + 1
                while end < chars.count, Self.isNameChar(chars[end]) { end += 1 }
                let name = String(String.UnicodeScalarView(chars[(index + 1)..<end]))
                observe?(name, nil, "")
                if let value = lookup(name) {
                    output.append(contentsOf: value.unicodeScalars)
                } else {
                    unset(name)
                }
                index = end
            } else if next == "{" {
                guard let close = Self.closingBrace(chars, from: index) else {
                    throw .invalidTemplate(text)
                }
                let body = String(String.UnicodeScalarView(chars[(index + 2)..<close]))
                let value = try braced(body, template: text, depth: depth)
                output.append(contentsOf: value.unicodeScalars)
                index = close + 1
            } else {
                output.append(char)
                index += 1
            }
        }
        return String(output)
    }

    /// Evaluates the inside of `${...}`.
    func braced(_ body: String, template: String, depth: Int) throws(InterpolationFailure) -> String {
        let scalars = Array(body.unicodeScalars)
        guard let first = scalars.first, Self.isNameStart(first) else { throw .invalidTemplate(template) }
        var end = 1
        while end < scalars.count, Self.isNameChar(scalars[end]) { end += 1 }
        let name = String(String.UnicodeScalarView(scalars[0..<end]))
        let rest = String(String.UnicodeScalarView(scalars[end...]))
        if rest.isEmpty {
            observe?(name, nil, "")
            if let value = lookup(name) { return value }
            unset(name)
            return ""
        }
        let operators = [":?", "?", ":-", "-", ":+", "+"]
        guard let op = operators.first(where: { rest.hasPrefix($0) }) else { throw .invalidTemplate(template) }
        let argument = String(rest.dropFirst(op.count))
        observe?(name, op, argument)
        let value = lookup(name)
        switch op {
        case ":-", "-":
            let useDefault = value == nil || (op == ":-" && value == "")
            return useDefault ? try substitute(argument, depth: depth + 1) : value ?? ""
        case ":+", "+":
            let useAlternative = value != nil && (op == "+" || value != "")
            return useAlternative ? try substitute(argument, depth: depth + 1) : value ?? ""
        default:
            if let value, op == "?" || !value.isEmpty { return value }
            // Collecting variables (an observer, nothing to look up): the reason is a template too.
            if observe != nil {
                _ = try substitute(argument, depth: depth + 1)
                return ""
            }
            throw .missingRequired(variable: name, reason: try substitute(argument, depth: depth + 1))
        }
    }

    /// The index of the `}` closing the `${` at `start`, counting nested braces the way compose does;
    /// when braces never balance, the last `}` on the line, else `nil`.
    static func closingBrace(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var depth = 0
        var index = start + 1
        while index < chars.count {
            if chars[index] == "}" {
                depth -= 1
                if depth == 0 { return index }
            }
            if chars[index] == "{" {
                depth += 1
                index += 1
            }
            index += 1
        }
        var lastBrace: Int?
        var scan = start + 2
        while scan < chars.count, chars[scan] != "\n" {
            if chars[scan] == "}" { lastBrace = scan }
            scan += 1
        }
        return lastBrace
    }

    static func isNameStart(_ char: Unicode.Scalar) -> Bool {
        char == "_" || ("a"..."z").contains(char) || ("A"..."Z").contains(char)
    }

    static func isNameChar(_ char: Unicode.Scalar) -> Bool {
        isNameStart(char) || ("0"..."9").contains(char)
    }
}
