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
        try parse(FileBytes(copying: bytes), file: file)
    }

    /// Parses one YAML document from a file's bytes as they were read.
    func parse(_ bytes: FileBytes, file: String) throws -> YAMLNode {
        var session = ParseSession(file: file, bytes: bytes, limits: self)
        return try session.run()
    }
}

private struct ParseSession {
    let file: String
    let fileNumber: UInt32
    let bytes: FileBytes
    let limits: YAMLParser

    /// A collection being built, with the expanded-node count of what it holds so far.
    struct Frame {
        var isMapping: Bool
        var pairs: [YAMLPair] = []
        var items: [YAMLNode] = []
        /// A mapping's key waiting for its value: its text and where it starts.
        var pendingKey: String?
        var pendingKeyLocation: SourceLocation
        /// A key that is not a scalar, kept for the error raised once its value is read.
        var invalidKey: YAMLNode?
        var weight = 1
        /// The height of the highest finished child (0 for scalars only).
        var childHeight = 0
        var start: SourceLocation
        var tag: String?
        var anchor: String?

        init(isMapping: Bool, start: SourceLocation, tag: String?, anchor: String?) {
            self.isMapping = isMapping
            self.pendingKeyLocation = start
            self.start = start
            self.tag = tag
            self.anchor = anchor
        }
    }

    /// The collection being built, when `depth` is above 0. It is kept out of `parents` so that
    /// adding a child touches it directly: each node of the document passes through here.
    var current = Frame(
        isMapping: false, start: SourceLocation(fileNumber: 0, line: 1, column: 1), tag: nil, anchor: nil)
    /// The collections that hold `current`, outermost first.
    var parents: [Frame] = []
    /// How many collections are open: `parents.count + 1`, or 0 at the document's top.
    var depth = 0
    /// Anchored nodes with their expanded weight and their height in collections, so an alias can
    /// neither exceed the node budget nor nest the tree deeper than `maximumDepth`.
    var anchors: [String: (node: YAMLNode, weight: Int, height: Int)] = [:]
    var document: YAMLNode?
    var documentCount = 0
    /// Whether an alias was expanded, which decides how an oversized tree is reported.
    var sawAlias = false

    init(file: String, bytes: FileBytes, limits: YAMLParser) {
        self.file = file
        self.fileNumber = InternedStrings.sourceFiles.number(of: file)
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
        var ended = false
        while !ended {
            let batch = try nextBatch()
            // Events and their text are read in place in their batch, not copied out one by one.
            ended = try batch.text.withUnsafeBufferPointer { text in
                try batch.events.withUnsafeBufferPointer { events in
                    for index in events.indices {
                        if events[index].kind == .streamEnd { return true }
                        try handle(events[index], text: text, names: batch)
                    }
                    return false
                }
            }
        }
    }

    mutating func handle(_ event: YAMLEvent, text: UnsafeBufferPointer<UInt8>, names: YAMLEventBatch) throws {
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
            let scalarText = String(
                decoding: UnsafeBufferPointer(rebasing: text[event.textOffset..<event.textOffset + event.length]),
                as: UTF8.self)
            if depth > 0 && current.isMapping && current.pendingKey == nil && current.invalidKey == nil
                && event.anchor < 0
            {
                // A key: only its text and position are kept, so no node is made for it.
                try addWeight(weight, height: 0, at: start)
                current.pendingKey = scalarText
                current.pendingKeyLocation = start
                return
            }
            let scalar = YAMLScalar(scalarText, style: event.style)
            let node = YAMLNode(.scalar(scalar), at: start, tag: names.name(event.tag))
            if let anchor = names.name(event.anchor) { anchors[anchor] = (node, weight, 0) }
            try add(node, weight: weight, height: 0)
        case .alias:
            let name = names.name(event.anchor) ?? ""
            guard let target = anchors[name] else {
                throw CompileError("unknown YAML anchor '\(name)'", at: start)
            }
            sawAlias = true
            guard depth + target.height <= limits.maximumDepth else {
                throw CompileError("YAML nesting is deeper than \(limits.maximumDepth) levels", at: start)
            }
            try add(target.node, weight: target.weight, height: target.height, at: start)
        case .mappingStart, .sequenceStart:
            guard depth < limits.maximumDepth else {
                throw CompileError("YAML nesting is deeper than \(limits.maximumDepth) levels", at: start)
            }
            let frame = Frame(
                isMapping: event.kind == .mappingStart, start: start, tag: names.name(event.tag),
                anchor: names.name(event.anchor))
            if depth > 0 { parents.append(current) }
            current = frame
            depth += 1
        case .mappingEnd, .sequenceEnd:
            guard depth > 0 else { return }
            var frame = parents.popLast() ?? current
            swap(&frame, &current)
            depth -= 1
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

    /// Counts a finished child of the current collection against the node budget. `location` is
    /// where the child is used, for errors.
    mutating func addWeight(_ weight: Int, height: Int, at location: SourceLocation) throws {
        current.weight = try checkedWeight(current.weight, weight, at: location)
        if height > current.childHeight { current.childHeight = height }
    }

    /// Adds a finished node to the collection being built, or makes it the document. `location` is
    /// where the node is used, for errors: an alias's own position rather than its anchor's.
    mutating func add(_ node: YAMLNode, weight: Int, height: Int, at location: SourceLocation? = nil) throws {
        guard depth > 0 else {
            _ = try checkedWeight(0, weight, at: location ?? node.location)
            document = node
            return
        }
        try addWeight(weight, height: height, at: location ?? node.location)
        guard current.isMapping else {
            current.items.append(node)
            return
        }
        if let invalidKey = current.invalidKey {
            throw CompileError(
                "mapping keys must be plain strings, not \(invalidKey.kindName)", at: invalidKey.location)
        }
        guard let key = current.pendingKey else {
            guard case .scalar(let scalar) = node.content else {
                current.invalidKey = node
                return
            }
            current.pendingKey = scalar.text
            current.pendingKeyLocation = node.location
            return
        }
        current.pairs.append(YAMLPair(key: key, keyLocation: current.pendingKeyLocation, value: node))
        current.pendingKey = nil
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
