import FoundationEssentials

/// Turns YAML text into a `YAMLNode` tree through libyaml's event API, keeping every node's position.
///
/// Limits guard against hostile input: nesting depth, the length of one scalar, and the size of the
/// tree once aliases are expanded (the "billion laughs" attack) are all bounded before any later
/// stage walks the tree, so every later stage runs in bounded time and memory.
public struct YAMLParser {
    /// Deepest nesting of mappings and sequences accepted.
    public var maximumDepth = 256
    /// Most nodes the tree may hold once every alias is expanded; each whole KiB of a scalar's text
    /// counts as one more node, so aliases to long scalars are bounded too. Later stages walk the tree
    /// several times; a million nodes holds a 10,000-service file (about 400,000 nodes) with room to spare.
    public var maximumExpandedNodes = 1_000_000
    /// Longest scalar accepted, in bytes.
    public var maximumScalarBytes = 1 << 20

    public init() {}

    /// Parses one YAML document. An empty stream gives a null scalar.
    public func parse(_ bytes: [UInt8], file: String) throws -> YAMLNode {
        var session = ParseSession(file: file, bytes: bytes, limits: self)
        return try session.run()
    }
}

private struct ParseSession {
    let file: String
    let fileNumber: UInt32
    let bytes: [UInt8]
    let limits: YAMLParser

    /// A collection being built, with the expanded-node count of what it holds so far.
    ///
    /// Frames are mutated in place on the stack: taking one off to append to it would copy its
    /// items on every append, quadratic in the length of a list.
    struct Frame {
        var isMapping: Bool
        var pairs: [YAMLPair] = []
        var items: [YAMLNode] = []
        var pendingKey: YAMLNode?
        var weight = 1
        /// The height of the highest finished child (0 for scalars only).
        var childHeight = 0
        var start: SourceLocation
        var tag: String?
        var anchor: String?
    }

    var stack: [Frame] = []
    /// Anchored nodes with their expanded weight and their height in collections, so an alias can
    /// neither exceed the node budget nor nest the tree deeper than `maximumDepth`.
    var anchors: [String: (node: YAMLNode, weight: Int, height: Int)] = [:]
    var document: YAMLNode?
    var documentCount = 0
    /// Whether an alias was expanded, which decides how an oversized tree is reported.
    var sawAlias = false

    init(file: String, bytes: [UInt8], limits: YAMLParser) {
        self.file = file
        self.fileNumber = SourceFiles.shared.number(of: file)
        self.bytes = bytes
        self.limits = limits
    }

    mutating func run() throws -> YAMLNode {
        let reader = try YAMLEventReader(
            file: file, fileNumber: fileNumber, bytes: bytes, maximumScalarBytes: limits.maximumScalarBytes)
        if bytes.count >= YAMLEventReader.backgroundThreshold && ParallelWork.workerCount > 1 {
            let stream = YAMLEventStream(reader)
            defer { stream.finish() }
            try build(from: stream.nextBatch)
        } else {
            try build(from: reader.nextBatch)
        }
        return document ?? YAMLNode(.scalar(YAMLScalar("")), at: SourceLocation(file: file, line: 1, column: 1))
    }

    /// Builds the tree from the batches `nextBatch` gives, up to the end of the stream.
    mutating func build(from nextBatch: () throws -> YAMLEventBatch) throws {
        while true {
            let batch = try nextBatch()
            for event in batch.events {
                if event.kind == .streamEnd { return }
                try handle(event, in: batch)
            }
        }
    }

    mutating func handle(_ event: YAMLEvent, in batch: YAMLEventBatch) throws {
        let start = event.start
        switch event.kind {
        case .documentStart:
            documentCount += 1
            if documentCount > 1 {
                throw CompileError(
                    "a compose file holds one YAML document; split the documents into separate files", at: start)
            }
        case .scalar:
            guard event.length <= limits.maximumScalarBytes else {
                throw CompileError(
                    "a scalar of \(event.length) bytes is larger than the \(limits.maximumScalarBytes) bytes a compose"
                        + " value may hold", at: start)
            }
            let weight = 1 + event.length / 1024
            let scalar = YAMLScalar(batch.text(of: event), style: event.style)
            let node = YAMLNode(.scalar(scalar), at: start, tag: event.tag)
            if let anchor = event.anchor { anchors[anchor] = (node, weight, 0) }
            try add(node, weight: weight, height: 0)
        case .alias:
            let name = event.text
            guard let target = anchors[name] else {
                throw CompileError("unknown YAML anchor '\(name)'", at: start)
            }
            sawAlias = true
            guard stack.count + target.height <= limits.maximumDepth else {
                throw CompileError("YAML nesting is deeper than \(limits.maximumDepth) levels", at: start)
            }
            try add(target.node, weight: target.weight, height: target.height, at: start)
        case .mappingStart, .sequenceStart:
            try push(Frame(isMapping: event.kind == .mappingStart, start: start, tag: event.tag, anchor: event.anchor))
        case .mappingEnd, .sequenceEnd:
            guard let frame = stack.popLast() else { return }
            let height = frame.childHeight + 1
            let content: YAMLNode.Content =
                frame.isMapping ? .mapping(try applyMergeKeys(frame.pairs)) : .sequence(frame.items)
            let node = YAMLNode(content, at: frame.start, tag: frame.tag)
            if let anchor = frame.anchor { anchors[anchor] = (node, frame.weight, height) }
            try add(node, weight: frame.weight, height: height)
        case .streamEnd, .other:
            break
        }
    }

    mutating func push(_ frame: Frame) throws {
        guard stack.count < limits.maximumDepth else {
            throw CompileError("YAML nesting is deeper than \(limits.maximumDepth) levels", at: frame.start)
        }
        stack.append(frame)
    }

    /// Adds a finished node to the collection being built, or makes it the document. `location` is
    /// where the node is used, for errors: an alias's own position rather than its anchor's.
    mutating func add(_ node: YAMLNode, weight: Int, height: Int, at location: SourceLocation? = nil) throws {
        guard let top = stack.indices.last else {
            _ = try checkedWeight(0, weight, at: location ?? node.location)
            document = node
            return
        }
        stack[top].weight = try checkedWeight(stack[top].weight, weight, at: location ?? node.location)
        stack[top].childHeight = max(stack[top].childHeight, height)
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            stack[top].pendingKey = node
            return
        }
        guard case .scalar(let scalar) = key.content else {
            throw CompileError("mapping keys must be plain strings, not \(key.kindName)", at: key.location)
        }
        stack[top].pairs.append(YAMLPair(key: scalar.text, keyLocation: key.location, value: node))
        stack[top].pendingKey = nil
    }

    func checkedWeight(_ total: Int, _ added: Int, at location: SourceLocation) throws -> Int {
        let sum = total.addingReportingOverflow(added)
        guard !sum.overflow, sum.partialValue <= limits.maximumExpandedNodes else {
            if sawAlias {
                throw CompileError(
                    "YAML aliases expand to more than \(limits.maximumExpandedNodes) nodes; refusing a possible alias bomb",
                    at: location)
            }
            throw CompileError(
                "the YAML document holds more than \(limits.maximumExpandedNodes) nodes (each KiB of text counting as"
                    + " one); compose files this large are refused", at: location)
        }
        return sum.partialValue
    }

    /// Applies `<<` merge keys and rejects keys defined twice in one mapping.
    func applyMergeKeys(_ pairs: [YAMLPair]) throws -> [YAMLPair] {
        var explicitKeys = Set<String>()
        var hasMergeKey = false
        // A small mapping (most of them) compares its keys pairwise instead of hashing them into a set.
        let small = pairs.count <= 16
        for index in pairs.indices {
            let pair = pairs[index]
            if pair.key == "<<" && isMergeKey(pair) {
                hasMergeKey = true
                continue
            }
            // An earlier pair with this key is never a merge key, as this key is not `<<`.
            let repeated =
                small ? pairs[..<index].contains { $0.key == pair.key } : !explicitKeys.insert(pair.key).inserted
            guard !repeated else {
                throw CompileError("key '\(pair.key)' is defined twice in this mapping", at: pair.keyLocation)
            }
        }
        guard hasMergeKey else { return pairs }
        if small {
            for pair in pairs where !(pair.key == "<<" && isMergeKey(pair)) { explicitKeys.insert(pair.key) }
        }
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
