/// One value the compose specification does not allow, found by `SchemaValidator`. The path is
/// collected while the check returns up the tree, so a model without problems builds none.
struct SchemaProblem: Sendable {
    enum Kind: Sendable {
        case wrongKind(expected: ValueKinds, found: String)
        case notAChoice(text: String, choices: [String])
        case malformed(text: String, expected: String)
        case outOfRange(value: String, minimum: Int64?, maximum: Int64?)
        case duplicate(text: String)
        case unknownKey(key: String, known: [String])
        case badName(key: String, expected: String)
        case missingKey(key: String)
    }

    /// One step of a compose path.
    enum PathComponent: Sendable {
        case key(String)
        case index(Int)
    }

    var kind: Kind
    var location: SourceLocation
    /// The path from the offending value up to the model's root.
    var reversedPath: [PathComponent] = []

    init(_ kind: Kind, at location: SourceLocation, path: [PathComponent] = []) {
        self.kind = kind
        self.location = location
        self.reversedPath = path
    }

    /// The same problem, seen from the mapping that holds it under `key`.
    func under(_ key: String) -> SchemaProblem {
        var problem = self
        problem.reversedPath.append(.key(key))
        return problem
    }

    /// The same problem, seen from the list that holds it at `index`.
    func under(index: Int) -> SchemaProblem {
        var problem = self
        problem.reversedPath.append(.index(index))
        return problem
    }

    static func wrongKind(_ node: YAMLNode, expected: ValueKinds) -> SchemaProblem {
        var found = node.kindName
        if let text = node.scalar?.text, !node.isNull { found += " '\(text)'" }
        return SchemaProblem(.wrongKind(expected: expected, found: found), at: node.location)
    }

    static func notAChoice(_ node: YAMLNode, text: String, choices: [String]) -> SchemaProblem {
        SchemaProblem(.notAChoice(text: text, choices: choices), at: node.location)
    }

    static func malformed(_ node: YAMLNode, text: String, expected: String) -> SchemaProblem {
        SchemaProblem(.malformed(text: text, expected: expected), at: node.location)
    }

    static func outOfRange(_ node: YAMLNode, minimum: Int64?, maximum: Int64?) -> SchemaProblem {
        SchemaProblem(
            .outOfRange(value: node.scalar?.text ?? "", minimum: minimum, maximum: maximum), at: node.location)
    }

    static func missingKey(_ node: YAMLNode, key: String) -> SchemaProblem {
        SchemaProblem(.missingKey(key: key), at: node.location)
    }

    /// The compose path, such as `services.web.ports[0].published`.
    var path: String {
        var text = ""
        for component in reversedPath.reversed() {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    /// The error a user sees: what is wrong, at the key or value, with the path.
    func error() -> CompileError {
        CompileError(message, at: location, path: path)
    }

    var message: String {
        switch kind {
        case .wrongKind(let expected, let found):
            return "expected \(expected.description), found \(found)"
        case .notAChoice(let text, let choices):
            return "expected one of \(choices.joined(separator: ", ")), found '\(text)'"
                + suggestion(for: text, among: choices)
        case .malformed(let text, let expected):
            return "'\(text)' is not valid here: expected \(expected)"
        case .outOfRange(let value, let minimum, let maximum):
            let range: String
            switch (minimum, maximum) {
            case (let minimum?, let maximum?): range = "from \(minimum) to \(maximum)"
            case (let minimum?, nil): range = "of at least \(minimum)"
            case (nil, let maximum?): range = "of at most \(maximum)"
            case (nil, nil): range = ""
            }
            return "expected a whole number \(range), found \(value)"
        case .duplicate(let text):
            return "'\(text)' appears more than once in this list"
        case .unknownKey(let key, let known):
            return "unknown \(placeOfKey(key))" + suggestion(for: key, among: known)
        case .badName(let key, let expected):
            return "'\(key)' is not a valid \(nameNoun): use \(expected)"
        case .missingKey(let key):
            return "the required key '\(key)' is missing"
        }
    }

    /// "top-level key 'volume'", "key 'drivr' in network 'front'", or "key 'tests'".
    private func placeOfKey(_ key: String) -> String {
        let keys = reversedPath.reversed().map { component -> String? in
            if case .key(let key) = component { return key }
            return nil
        }
        if keys.count == 1 { return "top-level key '\(key)'" }
        if keys.count == 3, let section = keys[0], let name = keys[1], let noun = Self.sectionNouns[section] {
            return "key '\(key)' in \(noun) '\(name)'"
        }
        return "key '\(key)'"
    }

    /// "service name" for a key of `services`, else "key".
    private var nameNoun: String {
        let keys = reversedPath.reversed()
        if keys.count == 2, case .key(let section)? = keys.first, let noun = Self.sectionNouns[section] {
            return noun + " name"
        }
        return "key"
    }

    private static let sectionNouns = [
        "services": "service", "networks": "network", "volumes": "volume", "secrets": "secret",
        "configs": "config", "models": "model", "jobs": "job",
    ]

    /// "; did you mean 'environment'?" when one of `candidates` is close to `word`, else "".
    private func suggestion(for word: String, among candidates: [String]) -> String {
        guard let closest = ClosestName.find(word, among: candidates) else { return "" }
        return "; did you mean '\(closest)'?"
    }
}
