import Plan

/// Converts a normalized model to the typed shape of `ConfigShape`: numbers, booleans, byte
/// sizes and durations become what docker compose prints, environment and labels become mappings,
/// empty values are left out where compose leaves them out. For the JSON of `config` (extensions
/// dropped), `command`/`entrypoint` are always present, null when unset, as docker compose prints
/// them; the model for translation leaves unset ones out. Positions are kept from the original nodes.
struct ShapeApplier {
    /// Keep `x-` extension keys (the model for translation) or drop them (the JSON of `config`).
    var keepExtensions: Bool

    /// The node in `shape`, or `nil` when compose leaves it out.
    func apply(_ shape: ConfigShape, _ node: YAMLNode) -> YAMLNode? {
        var node = node
        return self.shape(shape, &node) ? node : nil
    }

    /// Puts `node` in `shape` in place; false when compose leaves it out (`node` is then
    /// unspecified). In place, a tree held once is changed without copying the mappings and lists
    /// that stay, and what is replaced is freed by the core that replaced it.
    func shape(_ shape: ConfigShape, _ node: inout YAMLNode) -> Bool {
        let location = node.location
        if node.isNull {
            guard case .command = shape else { return false }
            node = .null(at: location)
            return true
        }
        switch shape {
        case .any:
            if !keepExtensions { node = Self.dropExtensions(node) }
            return true
        case .string, .integer, .float, .bool, .bytes, .optOut, .duration, .deviceCount:
            return shapeScalar(shape, &node)
        case .fileMode:
            return shapeFileMode(&node)
        case .stringList, .command, .healthTest:
            return shapeWords(shape, &node)
        case .mappingWithEquals:
            return shapeKeyValues(&node, keepNull: true)
        case .mapping:
            return shapeKeyValues(&node, keepNull: false)
        case .map, .list, .object:
            return shapeCollection(shape, &node)
        case .hostsList:
            return shapeHosts(&node)
        case .ulimit:
            if let value = ValueConversions.integer(node) {
                node = .integer(value, at: location)
                return true
            }
            return self.shape(Self.ulimitObject, &node)
        }
    }

    /// A string, number, boolean, size or duration as compose prints it.
    private func shapeScalar(_ shape: ConfigShape, _ node: inout YAMLNode) -> Bool {
        let location = node.location
        switch shape {
        case .string:
            guard let text = node.scalar?.text else { return true }
            if text.isEmpty { return false }
            node = .string(text, at: location)
        case .integer(let keepZero):
            guard let value = ValueConversions.integer(node) else { return true }
            if value == 0 && !keepZero { return false }
            node = .integer(value, at: location)
        case .float(let single):
            guard let value = ValueConversions.double(node) else { return true }
            if value == 0 { return false }
            let text = single ? String(Float(value)) : String(value)
            node = YAMLNode(.scalar(YAMLScalar(text.hasSuffix(".0") ? String(text.dropLast(2)) : text)), at: location)
        case .bool(let keepFalse):
            guard let value = ValueConversions.bool(node) else { return true }
            if !value && !keepFalse { return false }
            node = .bool(value, at: location)
        case .bytes:
            guard let text = node.scalar?.text, let value = ValueConversions.bytes(text) else { return true }
            if value == 0 { return false }
            node = .string(String(value), at: location)
        case .optOut:
            guard let value = ValueConversions.bool(node) else { return true }
            if value { return false }
            node = .bool(false, at: location)
        case .duration:
            guard let text = node.scalar?.text, let value = ValueConversions.duration(text) else { return true }
            node = .string(ValueConversions.formatDuration(value), at: location)
        case .deviceCount:
            if node.scalar?.text == "all" {
                node = .integer(-1, at: location)
            } else if let value = ValueConversions.integer(node) {
                node = .integer(value, at: location)
            }
        default: break
        }
        return true
    }

    /// A list of strings, a command (a string is split into words) or a healthcheck test.
    private func shapeWords(_ shape: ConfigShape, _ node: inout YAMLNode) -> Bool {
        let location = node.location
        switch shape {
        case .stringList:
            let items = node.sequence ?? [node]
            let strings = items.compactMap { item in item.scalar.map { YAMLNode.string($0.text, at: item.location) } }
            if strings.isEmpty { return false }
            node = .sequence(strings, at: location)
        case .command:
            if let items = node.sequence {
                node = .sequence(items.map { .string($0.scalar?.text ?? "", at: $0.location) }, at: location)
                return true
            }
            // Unterminated quotes were refused by validation (ModelRules).
            guard let text = node.scalar?.text, let words = ShellQuoting.split(text) else { return true }
            node = .sequence(words.map { .string($0, at: location) }, at: location)
        case .healthTest:
            if let items = node.sequence {
                node = .sequence(items.map { .string($0.scalar?.text ?? "", at: $0.location) }, at: location)
                return true
            }
            guard let text = node.scalar?.text else { return true }
            node = .sequence([.string("CMD-SHELL", at: location), .string(text, at: location)], at: location)
        default: break
        }
        return true
    }

    /// A mapping of one shape, a list, or a struct; false when compose leaves it out as empty.
    private func shapeCollection(_ shape: ConfigShape, _ node: inout YAMLNode) -> Bool {
        let location = node.location
        switch shape {
        case .map(let valueShape):
            guard let isEmpty = node.mapping?.isEmpty else { return true }
            if isEmpty { return false }
            // The services of a large project are shaped on several cores.
            node.updatePairs { pairs in
                ParallelWork.update(&pairs) { pair in
                    pair.value.isNull || self.shape(valueShape, &pair.value)
                }
            }
        case .list(let itemShape):
            guard case .sequence(var items) = node.content else { return true }
            node.content = .sequence([])
            items.updateKeeping { self.shape(itemShape, &$0) }
            if items.isEmpty { return false }
            // A new node, as `.sequence` makes it: the list's own tag is not kept.
            node = .sequence(items, at: location)
        case .object(let object):
            guard node.mapping != nil else { return true }
            var isEmpty = false
            node.updatePairs { pairs in
                shapeFields(&pairs, object, at: location)
                isEmpty = pairs.isEmpty
            }
            if isEmpty && !object.always { return false }
        default: break
        }
        return true
    }

    /// A file mode as `0` and octal digits: `0440` and `0o440` are octal, a plain number decimal.
    private func shapeFileMode(_ node: inout YAMLNode) -> Bool {
        let location = node.location
        guard let text = node.scalar?.text else { return true }
        var digits = Substring(text)
        if digits.hasPrefix("0o") { digits = digits.dropFirst(2) }
        let value: Int?
        if case .integer(let number) = node.resolved, !text.hasPrefix("0") {
            value = Int(number)
        } else {
            value = Int(digits, radix: 8)
        }
        guard let value else { return true }
        node = .string("0" + String(value, radix: 8), at: location)
        return true
    }

    /// `KEY=VALUE` items or a mapping, as a mapping of strings; a key without a value is null when
    /// `keepNull` (environment), else the empty string.
    private func shapeKeyValues(_ node: inout YAMLNode, keepNull: Bool) -> Bool {
        let location = node.location
        guard node.mapping != nil || node.sequence != nil else { return true }
        let entries = KeyValues.entries(node)
        if entries.isEmpty { return false }
        node = .mapping(
            entries.map { entry in
                let value: YAMLNode =
                    entry.value.map { .string($0, at: entry.location) }
                    ?? (keepNull ? .null(at: entry.location) : .string("", at: entry.location))
                return (entry.key, value)
            }, at: location)
        return true
    }

    /// `extra_hosts`: compose-go holds them as a map of host to addresses, printed sorted by host,
    /// each address without the brackets an IPv6 one may be written in.
    private func shapeHosts(_ node: inout YAMLNode) -> Bool {
        let location = node.location
        var hosts: [(host: String, address: String, location: SourceLocation)] = []
        if let pairs = node.mapping {
            for pair in pairs {
                for address in pair.value.sequence ?? [pair.value] {
                    hosts.append((pair.key, address.scalar?.text ?? "", address.location))
                }
            }
        } else {
            for item in node.sequence ?? [node] {
                guard let text = item.scalar?.text else { continue }
                let separator = text.firstIndex(of: "=") ?? text.firstIndex(of: ":")
                guard let separator else {
                    hosts.append((text, "", item.location))
                    continue
                }
                hosts.append(
                    (String(text[..<separator]), String(text[text.index(after: separator)...]), item.location))
            }
        }
        if hosts.isEmpty { return false }
        let sorted = hosts.enumerated().sorted { ($0.element.host, $0.offset) < ($1.element.host, $1.offset) }
        node = .sequence(
            sorted.map { _, entry in
                var address = entry.address
                if address.hasPrefix("["), address.hasSuffix("]") {
                    address = String(address.dropFirst().dropLast())
                }
                return .string("\(entry.host)=\(address)", at: entry.location)
            }, at: location)
        return true
    }

    /// The pairs of a struct: known fields in their shapes, unknown ones passed through, `x-` keys
    /// kept or dropped, in their order; then the command fields and value structs it may add.
    private func shapeFields(_ pairs: inout [YAMLPair], _ object: ObjectShape, at location: SourceLocation) {
        let fields = object.fields
        pairs.updateKeeping { pair in
            pair.key.hasPrefix("x-") ? keepExtensions : shape(fields[pair.key] ?? .any, &pair.value)
        }
        // Only command fields and value structs are added, in the order `fields` iterates them.
        for addition in object.additions {
            let key = addition.key
            let isCommand = addition.isCommand && !keepExtensions
            guard isCommand || addition.isValueStruct, !pairs.contains(where: { $0.key == key }) else { continue }
            if isCommand {
                pairs.append(YAMLPair(key: key, keyLocation: location, value: .null(at: location)))
            } else {
                var empty = YAMLNode.mapping([], at: location)
                if shape(addition.shape, &empty) {
                    pairs.append(YAMLPair(key: key, keyLocation: location, value: empty))
                }
            }
        }
    }

    /// A `ulimits` entry given as a mapping.
    static let ulimitObject: ConfigShape = .object(
        ["soft": .integer(keepZero: false), "hard": .integer(keepZero: false)], always: true)

    /// Struct fields compose-go holds by value, so they are printed (as `{}`) even when absent.
    static let valueStructs: Set<String> = ["ipam", "resources", "placement", "exec"]

    /// `valueStructs.contains(key)` without hashing `key`: this runs for every field of every object.
    static func isValueStruct(_ key: String) -> Bool {
        switch key.utf8.count {
        case 4: return key == "ipam" || key == "exec"
        case 9: return key == "resources" || key == "placement"
        // Another length can only be equal (canonically) to one of them when it is not ASCII.
        default: return !key.utf8.allSatisfy { $0 < 0x80 } && valueStructs.contains(key)
        }
    }

    /// The node without `x-` keys in any mapping.
    static func dropExtensions(_ node: YAMLNode) -> YAMLNode {
        var result = node
        switch node.content {
        case .scalar: break
        case .mapping(let pairs):
            result.content = .mapping(
                pairs.filter { !$0.key.hasPrefix("x-") }.map { pair in
                    var pair = pair
                    pair.value = dropExtensions(pair.value)
                    return pair
                })
        case .sequence(let items):
            result.content = .sequence(items.map(dropExtensions))
        }
        return result
    }
}
