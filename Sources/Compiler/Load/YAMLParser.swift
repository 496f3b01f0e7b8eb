import CYAML
import Foundation

/// Turns YAML text into a `YAMLNode` tree through libyaml's event API, keeping every node's position.
///
/// Limits guard against hostile input: nesting depth, and the size of the tree once aliases are
/// expanded (the "billion laughs" attack), are both bounded before any later stage walks the tree.
public struct YAMLParser {
    /// Deepest nesting of mappings and sequences accepted.
    public var maximumDepth = 256
    /// Most nodes the tree may hold once every alias is expanded.
    public var maximumExpandedNodes = 5_000_000

    public init() {}

    /// Parses one YAML document. An empty stream gives a null scalar.
    public func parse(_ bytes: [UInt8], file: String) throws -> YAMLNode {
        var session = ParseSession(file: file, bytes: bytes, limits: self)
        return try session.run()
    }
}

private struct ParseSession {
    let file: String
    let bytes: [UInt8]
    let limits: YAMLParser

    /// A collection being built, with the expanded-node count of what it holds so far.
    enum Frame {
        case mapping(
            pairs: [YAMLPair], pendingKey: YAMLNode?, weight: Int, start: SourceLocation, tag: String?, anchor: String?)
        case sequence(items: [YAMLNode], weight: Int, start: SourceLocation, tag: String?, anchor: String?)
    }

    var stack: [Frame] = []
    var anchors: [String: (node: YAMLNode, weight: Int)] = [:]
    var document: YAMLNode?
    var documentCount = 0

    init(file: String, bytes: [UInt8], limits: YAMLParser) {
        self.file = file
        self.bytes = bytes
        self.limits = limits
    }

    mutating func run() throws -> YAMLNode {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw CompileError("cannot initialize the YAML parser", at: SourceLocation(file: file, line: 1, column: 1))
        }
        defer { yaml_parser_delete(&parser) }
        let input = bytes
        return try input.withUnsafeBufferPointer { buffer -> YAMLNode in
            yaml_parser_set_input_string(&parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1), buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw parserError(parser)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try handle(event)
            }
            return document ?? YAMLNode(.scalar(YAMLScalar("")), at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    func parserError(_ parser: yaml_parser_t) -> CompileError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var message = problem
        if let context = parser.context { message += " " + String(cString: context) }
        if parser.error == YAML_READER_ERROR {
            // Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
            let offset = min(Int(parser.problem_offset), bytes.count)
            var line = 1
            var column = 1
            for byte in bytes[..<offset] {
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            if parser.problem_value != -1 {
                message += String(format: " (byte 0x%02X)", Int(parser.problem_value))
            }
            return CompileError("invalid YAML: \(message)", at: SourceLocation(file: file, line: line, column: column))
        }
        return CompileError("invalid YAML: \(message)", at: location(parser.problem_mark))
    }

    static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    mutating func handle(_ event: yaml_event_t) throws {
        let start = location(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentCount += 1
            if documentCount > 1 {
                throw CompileError(
                    "a compose file holds one YAML document; split the documents into separate files", at: start)
            }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(
                decoding: UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length)), as: UTF8.self)
            let style: YAMLScalar.Style
            switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let node = YAMLNode(.scalar(YAMLScalar(text, style: style)), at: start, tag: Self.string(scalar.tag))
            if let anchor = Self.string(scalar.anchor) { anchors[anchor] = (node, 1) }
            try add(node, weight: 1)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                throw CompileError("unknown YAML anchor '\(name)'", at: start)
            }
            try add(target.node, weight: target.weight)
        case YAML_MAPPING_START_EVENT:
            try push(
                .mapping(
                    pairs: [], pendingKey: nil, weight: 1, start: start,
                    tag: Self.string(event.data.mapping_start.tag),
                    anchor: Self.string(event.data.mapping_start.anchor)), at: start)
        case YAML_SEQUENCE_START_EVENT:
            try push(
                .sequence(
                    items: [], weight: 1, start: start, tag: Self.string(event.data.sequence_start.tag),
                    anchor: Self.string(event.data.sequence_start.anchor)), at: start)
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            guard let frame = stack.popLast() else { return }
            switch frame {
            case .mapping(let pairs, _, let weight, let frameStart, let tag, let anchor):
                let merged = try applyMergeKeys(pairs)
                let node = YAMLNode(.mapping(merged), at: frameStart, tag: tag)
                if let anchor { anchors[anchor] = (node, weight) }
                try add(node, weight: weight)
            case .sequence(let items, let weight, let frameStart, let tag, let anchor):
                let node = YAMLNode(.sequence(items), at: frameStart, tag: tag)
                if let anchor { anchors[anchor] = (node, weight) }
                try add(node, weight: weight)
            }
        default:
            break
        }
    }

    mutating func push(_ frame: Frame, at start: SourceLocation) throws {
        guard stack.count < limits.maximumDepth else {
            throw CompileError("YAML nesting is deeper than \(limits.maximumDepth) levels", at: start)
        }
        stack.append(frame)
    }

    /// Adds a finished node to the collection being built, or makes it the document.
    mutating func add(_ node: YAMLNode, weight: Int) throws {
        guard let top = stack.popLast() else {
            document = node
            return
        }
        switch top {
        case .mapping(var pairs, let pendingKey, let total, let start, let tag, let anchor):
            let newTotal = try checkedWeight(total, weight, at: node.location)
            if let key = pendingKey {
                let keyText: String
                switch key.content {
                case .scalar(let scalar): keyText = scalar.text
                default: throw CompileError("mapping keys must be plain strings, not \(key.kindName)", at: key.location)
                }
                pairs.append(YAMLPair(key: keyText, keyLocation: key.location, value: node))
                stack.append(
                    .mapping(pairs: pairs, pendingKey: nil, weight: newTotal, start: start, tag: tag, anchor: anchor))
            } else {
                stack.append(
                    .mapping(pairs: pairs, pendingKey: node, weight: newTotal, start: start, tag: tag, anchor: anchor))
            }
        case .sequence(var items, let total, let start, let tag, let anchor):
            let newTotal = try checkedWeight(total, weight, at: node.location)
            items.append(node)
            stack.append(.sequence(items: items, weight: newTotal, start: start, tag: tag, anchor: anchor))
        }
    }

    func checkedWeight(_ total: Int, _ added: Int, at location: SourceLocation) throws -> Int {
        let sum = total.addingReportingOverflow(added)
        guard !sum.overflow, sum.partialValue <= limits.maximumExpandedNodes else {
            throw CompileError(
                "YAML aliases expand to more than \(limits.maximumExpandedNodes) nodes; refusing a possible alias bomb",
                at: location)
        }
        return sum.partialValue
    }

    /// Applies `<<` merge keys and rejects keys defined twice in one mapping.
    func applyMergeKeys(_ pairs: [YAMLPair]) throws -> [YAMLPair] {
        var explicitKeys = Set<String>()
        var hasMergeKey = false
        for pair in pairs {
            if pair.key == "<<" && isMergeKey(pair) {
                hasMergeKey = true
                continue
            }
            guard explicitKeys.insert(pair.key).inserted else {
                throw CompileError("key '\(pair.key)' is defined twice in this mapping", at: pair.keyLocation)
            }
        }
        guard hasMergeKey else { return pairs }
        var result: [YAMLPair] = []
        var seen = explicitKeys
        for pair in pairs {
            guard pair.key == "<<" && isMergeKey(pair) else {
                result.append(pair)
                continue
            }
            let sources: [YAMLNode]
            switch pair.value.content {
            case .mapping: sources = [pair.value]
            case .sequence(let items): sources = items
            case .scalar:
                throw CompileError("a '<<' merge key takes a mapping or a list of mappings", at: pair.value.location)
            }
            for source in sources {
                guard let sourcePairs = source.mapping else {
                    throw CompileError("a '<<' merge key takes a mapping or a list of mappings", at: source.location)
                }
                for merged in sourcePairs where seen.insert(merged.key).inserted {
                    result.append(merged)
                }
            }
        }
        return result
    }

    func isMergeKey(_ pair: YAMLPair) -> Bool { true }
}
