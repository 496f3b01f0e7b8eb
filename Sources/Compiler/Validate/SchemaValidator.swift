/// Checks a merged compose model against the compose specification (`ComposeSchema`), as docker
/// compose does after each file is merged: every key known, every value of an allowed kind, every
/// enum value and required key. The first problem in the model's order is thrown as a
/// `CompileError` at the offending key or value, with the closest valid key for a misspelt one.
enum SchemaValidator {
    /// Throws for the first value of `model` that the compose specification does not allow.
    static func validate(_ model: YAMLNode) throws {
        guard case .object(let fileRule) = ComposeSchema.file, let pairs = model.mapping else {
            if let problem = check(model, against: ComposeSchema.file) { throw problem.error() }
            return
        }
        for pair in pairs {
            let problem: SchemaProblem?
            if pair.key == "services", let services = pair.value.mapping,
                ParallelWork.isWorthSplitting(services.count),
                case .object(let servicesRule)? = fileRule.properties["services"]
            {
                problem = checkInParallel(services, in: servicesRule)?.under("services")
            } else {
                problem = checkPair(pair, in: fileRule)
            }
            if let problem { throw problem.error() }
        }
    }

    /// The first problem among the pairs of a large mapping (the services), checked on several
    /// cores: each pair is checked on its own.
    private static func checkInParallel(_ pairs: [YAMLPair], in rule: ObjectRule) -> SchemaProblem? {
        ParallelWork.mapChunks(pairs) { chunk -> SchemaProblem? in
            for pair in chunk {
                if let problem = checkPair(pair, in: rule) { return problem }
            }
            return nil
        }.lazy.compactMap { $0 }.first
    }

    /// The first problem of `node` under `rule`, or nil.
    static func check(_ node: YAMLNode, against rule: SchemaRule) -> SchemaProblem? {
        switch rule {
        case .any:
            return nil
        case .kinds(let kinds):
            if kinds.contains(.string), isPlainlyString(node) { return nil }
            return kinds.isDisjoint(with: kind(of: node)) ? .wrongKind(node, expected: kinds) : nil
        case .choice(let values):
            guard case .string(let text)? = node.resolved else {
                return .wrongKind(node, expected: .string)
            }
            return values.contains(text) ? nil : .notAChoice(node, text: text, choices: values)
        case .text(let expected, let accepts):
            guard case .string(let text)? = node.resolved else {
                return .wrongKind(node, expected: .string)
            }
            return accepts(text) ? nil : .malformed(node, text: text, expected: expected)
        case .integer(let minimum, let maximum, let orString):
            return checkInteger(node, minimum: minimum, maximum: maximum, orString: orString)
        case .list(let itemRule, let unique):
            return checkList(node, items: itemRule, unique: unique)
        case .object(let objectRule):
            return checkObject(node, objectRule)
        case .alternatives(let rules):
            return checkAlternatives(node, rules)
        }
    }

    /// Whether a node is a string without resolving it: quoted, or plain and starting with a
    /// letter that begins no null, boolean or number (`null`, `true`, `false`, `.inf` and digits
    /// start otherwise). Most values of a compose file are, and resolving each would cost more
    /// than the rest of the check.
    private static func isPlainlyString(_ node: YAMLNode) -> Bool {
        guard case .scalar(let scalar) = node.content, node.tag == nil else { return false }
        if scalar.style != .plain { return true }
        guard let first = scalar.text.utf8.first else { return false }
        switch first {
        case UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"),
            UInt8(ascii: "F"):
            return false
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    /// The kind JSON schema sees for a node; an integer is a number too.
    static func kind(of node: YAMLNode) -> ValueKinds {
        switch node.content {
        case .mapping: return .mapping
        case .sequence: return .list
        case .scalar:
            switch node.resolved {
            case .null?: return .null
            case .bool?: return .boolean
            case .integer?: return [.integer, .number]
            case .float?: return .number
            case .string?, nil: return .string
            }
        }
    }

    private static func checkInteger(
        _ node: YAMLNode, minimum: Int64?, maximum: Int64?, orString: Bool
    ) -> SchemaProblem? {
        switch node.resolved {
        case .integer(let value)?:
            if let minimum, value < minimum { return .outOfRange(node, minimum: minimum, maximum: maximum) }
            if let maximum, value > maximum { return .outOfRange(node, minimum: minimum, maximum: maximum) }
            return nil
        case .string? where orString:
            return nil
        default:
            return .wrongKind(node, expected: orString ? [.integer, .string] : .integer)
        }
    }

    private static func checkList(_ node: YAMLNode, items: SchemaRule, unique: Bool)
        -> SchemaProblem?
    {
        guard let elements = node.sequence else { return .wrongKind(node, expected: .list) }
        let unique = unique && elements.count > 1
        var seen: Set<String> = []
        for (index, element) in elements.enumerated() {
            if let problem = check(element, against: items) { return problem.under(index: index) }
            // Only scalar items are compared: equal mappings in a list are rare and harmless to let through.
            if unique, let text = element.scalar?.text, !seen.insert(text).inserted {
                return SchemaProblem(.duplicate(text: text), at: element.location, path: [.index(index)])
            }
        }
        return nil
    }

    private static func checkObject(_ node: YAMLNode, _ rule: ObjectRule) -> SchemaProblem? {
        guard let pairs = node.mapping else {
            if rule.allowsNull && node.isNull { return nil }
            return .wrongKind(node, expected: rule.allowsNull ? [.mapping, .null] : .mapping)
        }
        for pair in pairs {
            if let problem = checkPair(pair, in: rule) { return problem }
        }
        for key in rule.required where !pairs.contains(where: { $0.key == key }) {
            return .missingKey(node, key: key)
        }
        return nil
    }

    /// The first problem of one key and its value in a mapping of rule `rule`.
    private static func checkPair(_ pair: YAMLPair, in rule: ObjectRule) -> SchemaProblem? {
        if let valueRule = rule.properties[pair.key] {
            return check(pair.value, against: valueRule)?.under(pair.key)
        }
        if rule.allowsExtensions && pair.key.hasPrefix("x-") { return nil }
        if let others = rule.otherKeys, others.accepts(pair.key) {
            return check(pair.value, against: others.value)?.under(pair.key)
        }
        return rule.closed ? unknownKey(pair, rule: rule) : nil
    }

    /// Any alternative that accepts the value will do. When none does, the problem reported is
    /// that of the alternative made for the value's kind (a misspelt key inside the mapping form,
    /// say), which says the most; else the kinds all alternatives together accept.
    private static func checkAlternatives(_ node: YAMLNode, _ rules: [SchemaRule]) -> SchemaProblem? {
        var best: SchemaProblem?
        var acceptedKinds: ValueKinds = []
        for rule in rules {
            guard let problem = check(node, against: rule) else { return nil }
            if case .wrongKind(let expected, _) = problem.kind, problem.reversedPath.isEmpty {
                acceptedKinds.formUnion(expected)
                continue
            }
            if best == nil { best = problem }
        }
        return best ?? .wrongKind(node, expected: acceptedKinds)
    }

    /// A key of a closed mapping that no rule accepts: a name of the wrong form where the mapping
    /// holds names, else a key the specification does not know.
    private static func unknownKey(_ pair: YAMLPair, rule: ObjectRule) -> SchemaProblem {
        if let names = rule.otherKeys {
            return SchemaProblem(
                .badName(key: pair.key, expected: names.expected), at: pair.keyLocation, path: [.key(pair.key)])
        }
        return SchemaProblem(
            .unknownKey(key: pair.key, known: rule.properties.keys.sorted()), at: pair.keyLocation,
            path: [.key(pair.key)])
    }
}
