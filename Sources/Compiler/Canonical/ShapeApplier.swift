/// Converts a normalized model to the typed shape of `ConfigShape`: numbers, booleans, byte
/// sizes and durations become what docker compose prints, environment and labels become mappings,
/// empty values are left out where compose leaves them out. For the JSON of `config` (extensions
/// dropped), `command`/`entrypoint` are always present, null when unset, as docker compose prints
/// them; the model for translation leaves unset ones out. Positions are kept from the original nodes.
struct ShapeApplier {
    /// Keep `x-` extension keys (the model for translation) or drop them (the JSON of `config`).
    var keepExtensions: Bool

    func apply(_ shape: ConfigShape, _ node: YAMLNode) -> YAMLNode? {
        let location = node.location
        if node.isNull {
            if case .command = shape { return .null(at: location) }
            return nil
        }
        switch shape {
        case .any:
            return keepExtensions ? node : Self.dropExtensions(node)
        case .string:
            guard let text = node.scalar?.text else { return node }
            return text.isEmpty ? nil : .string(text, at: location)
        case .integer(let keepZero):
            guard let value = ValueConversions.integer(node) else { return node }
            return value == 0 && !keepZero ? nil : .integer(value, at: location)
        case .float(let single):
            guard let value = ValueConversions.double(node) else { return node }
            if value == 0 { return nil }
            let text = single ? String(Float(value)) : String(value)
            return YAMLNode(.scalar(YAMLScalar(text.hasSuffix(".0") ? String(text.dropLast(2)) : text)), at: location)
        case .bool(let keepFalse):
            guard let value = ValueConversions.bool(node) else { return node }
            return !value && !keepFalse ? nil : .bool(value, at: location)
        case .bytes:
            guard let text = node.scalar?.text, let value = ValueConversions.bytes(text) else { return node }
            return value == 0 ? nil : .string(String(value), at: location)
        case .optOut:
            guard let value = ValueConversions.bool(node) else { return node }
            return value ? nil : .bool(false, at: location)
        case .duration:
            guard let text = node.scalar?.text, let value = ValueConversions.duration(text) else { return node }
            return .string(ValueConversions.formatDuration(value), at: location)
        case .fileMode:
            guard let text = node.scalar?.text else { return node }
            var digits = Substring(text)
            if digits.hasPrefix("0o") { digits = digits.dropFirst(2) }
            let value: Int?
            if case .integer(let number) = node.resolved, !text.hasPrefix("0") {
                value = Int(number)
            } else {
                value = Int(digits, radix: 8)
            }
            guard let value else { return node }
            return .string("0" + String(value, radix: 8), at: location)
        case .stringList:
            let items = node.sequence ?? [node]
            let strings = items.compactMap { item in item.scalar.map { YAMLNode.string($0.text, at: item.location) } }
            return strings.isEmpty ? nil : .sequence(strings, at: location)
        case .command:
            if let items = node.sequence {
                return .sequence(items.map { .string($0.scalar?.text ?? "", at: $0.location) }, at: location)
            }
            guard let text = node.scalar?.text, let words = try? ShellWords.split(text, at: location, path: "") else {
                return node
            }
            return .sequence(words.map { .string($0, at: location) }, at: location)
        case .healthTest:
            if let items = node.sequence {
                return .sequence(items.map { .string($0.scalar?.text ?? "", at: $0.location) }, at: location)
            }
            guard let text = node.scalar?.text else { return node }
            return .sequence([.string("CMD-SHELL", at: location), .string(text, at: location)], at: location)
        case .mappingWithEquals, .mapping:
            guard node.mapping != nil || node.sequence != nil else { return node }
            let keepNull: Bool
            if case .mappingWithEquals = shape { keepNull = true } else { keepNull = false }
            let entries = KeyValues.entries(node)
            if entries.isEmpty { return nil }
            return .mapping(
                entries.map { entry in
                    let value: YAMLNode =
                        entry.value.map { .string($0, at: entry.location) }
                        ?? (keepNull ? .null(at: entry.location) : .string("", at: entry.location))
                    return (entry.key, value)
                }, at: location)
        case .map(let valueShape):
            guard let pairs = node.mapping else { return node }
            if pairs.isEmpty { return nil }
            var result = node
            // The services of a large project are shaped on several cores.
            result.content = .mapping(
                ParallelWork.map(pairs) { pair -> YAMLPair? in
                    var pair = pair
                    if pair.value.isNull { return pair }
                    guard let value = apply(valueShape, pair.value) else { return nil }
                    pair.value = value
                    return pair
                }.compactMap { $0 })
            return result
        case .list(let itemShape):
            guard let items = node.sequence else { return node }
            let converted = items.compactMap { apply(itemShape, $0) }
            return converted.isEmpty ? nil : .sequence(converted, at: location)
        case .object(let object):
            let fields = object.fields
            guard let pairs = node.mapping else { return node }
            var result = node
            var kept: [YAMLPair] = []
            kept.reserveCapacity(pairs.count + object.additions.count)
            for pair in pairs {
                if pair.key.hasPrefix("x-") {
                    if keepExtensions { kept.append(pair) }
                    continue
                }
                guard let value = fields[pair.key].map({ apply($0, pair.value) }) ?? apply(.any, pair.value) else {
                    continue
                }
                kept.append(YAMLPair(key: pair.key, keyLocation: pair.keyLocation, value: value))
            }
            // Only command fields and value structs are added, in the order `fields` iterates them.
            for addition in object.additions {
                let key = addition.key
                let isCommand = addition.isCommand && !keepExtensions
                guard isCommand || addition.isValueStruct, !kept.contains(where: { $0.key == key }) else { continue }
                if isCommand {
                    kept.append(YAMLPair(key: key, keyLocation: location, value: .null(at: location)))
                } else if let empty = apply(addition.shape, .mapping([], at: location)) {
                    kept.append(YAMLPair(key: key, keyLocation: location, value: empty))
                }
            }
            if kept.isEmpty && !object.always { return nil }
            result.content = .mapping(kept)
            return result
        case .hostsList:
            var hosts: [YAMLNode] = []
            if let pairs = node.mapping {
                for pair in pairs {
                    for address in pair.value.sequence ?? [pair.value] {
                        hosts.append(.string("\(pair.key)=\(address.scalar?.text ?? "")", at: address.location))
                    }
                }
            } else {
                for item in node.sequence ?? [node] {
                    guard let text = item.scalar?.text else { continue }
                    var entry = text
                    if !text.contains("="), let colon = text.firstIndex(of: ":") {
                        entry = text[..<colon] + "=" + text[text.index(after: colon)...]
                    }
                    hosts.append(.string(entry, at: item.location))
                }
            }
            return hosts.isEmpty ? nil : .sequence(hosts, at: location)
        case .ulimit:
            if let value = ValueConversions.integer(node) { return .integer(value, at: location) }
            return apply(Self.ulimitObject, node)
        }
    }

    /// A `ulimits` entry given as a mapping.
    static let ulimitObject: ConfigShape = .object(
        ["soft": .integer(keepZero: false), "hard": .integer(keepZero: false)], always: true)

    /// Struct fields compose-go holds by value, so they are printed (as `{}`) even when absent.
    static let valueStructs: Set<String> = ["ipam", "resources", "placement"]

    /// `valueStructs.contains(key)` without hashing `key`: this runs for every field of every object.
    static func isValueStruct(_ key: String) -> Bool {
        switch key.utf8.count {
        case 4: return key == "ipam"
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
