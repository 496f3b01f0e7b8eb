import Plan

/// The emit stage: a plan as the exact bytes `compose-compile` prints.
public enum PlanEmitter {
    /// Sorted keys, two-space indentation, one trailing newline: the same plan gives the same bytes.
    ///
    /// Written straight from the plan by `PlanWriter`, byte for byte what
    /// `JanssonCoding.encode(plan.jsonValue)` gives (which a key holding a NUL byte falls back to).
    public static func emit(_ plan: Plan) -> String {
        String(decoding: emitUTF8(plan), as: UTF8.self)
    }

    /// `emit` as UTF-8 bytes.
    public static func emitUTF8(_ plan: Plan) -> [UInt8] {
        let pieces = emitPieces(plan)
        return pieces.count == 1 ? pieces[0] : Array(pieces.joined())
    }

    /// `emit` as UTF-8 bytes in consecutive pieces, which `compose-compile` writes out one after
    /// another: a plan of several megabytes is never copied into one buffer (the instances are
    /// written in chunks on several cores, and each chunk is a piece).
    public static func emitPieces(_ plan: Plan) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var writer = JSONWriter(capacity: 4096)
        do {
            try write(plan, to: &writer, pieces: &pieces)
        } catch {
            return [Array(JanssonCoding.encodeWithJansson(plan.jsonValue).utf8)]
        }
        writer.newline(0)
        pieces.append(writer.bytes)
        StageTimings.mark("emit")
        return pieces
    }

    /// The plan as `PlanWriter` writes it, but for its two largest members, whose values are
    /// written in chunks on several cores, each chunk's text a piece of its own: `pieces` ends
    /// with the last chunk, and `writer` holds the text after it.
    private static func write(_ plan: Plan, to writer: inout JSONWriter, pieces: inout [[UInt8]]) throws {
        try PlanWriter.write(plan, to: &writer) { key, writer in
            let parts: [[UInt8]]
            let closing: UInt8
            switch key {
            case "instances" where !plan.instances.isEmpty:
                parts = try instancePieces(plan.instances, writer: &writer)
                closing = UInt8(ascii: "}")
            case "warnings" where !plan.warnings.isEmpty:
                parts = try warningPieces(plan.warnings, writer: &writer)
                closing = UInt8(ascii: "]")
            default:
                return false
            }
            pieces.append(writer.bytes)
            pieces += parts
            writer = JSONWriter(capacity: 4096)
            writer.newline(1)
            writer.bytes.append(closing)
            return true
        }
    }

    /// The members of the `instances` object, what `writeObject(plan.instances, depth: 1)` writes
    /// between its braces (the opening one is written to `writer`), in key order. Instances are
    /// most of a plan's text.
    private static func instancePieces(_ instances: [String: PlanInstance], writer: inout JSONWriter) throws
        -> [[UInt8]]
    {
        // Sorting the indices moves no instances, and reaches each without hashing its name again.
        var order = Array(instances.indices)
        order.sort { JSONWriter.precedes(instances[$0].key, instances[$1].key) }
        writer.openObject()
        return try piecesInChunks(order, bytesPerItem: 4096) { part, index in
            try part.writeKey(instances[index].key)
            try PlanWriter.write(instances[index].value, to: &part, depth: 2)
        }
    }

    /// The elements of the `warnings` array (the opening bracket is written to `writer`): a large
    /// project has one or more per service.
    private static func warningPieces(_ warnings: [PlanWarning], writer: inout JSONWriter) throws -> [[UInt8]] {
        writer.bytes.append(UInt8(ascii: "["))
        return try piecesInChunks(warnings, bytesPerItem: 256) { part, warning in
            try PlanWriter.write(warning, to: &part, depth: 2)
        }
    }

    /// The members or elements of an object or array at depth 1, written by `write` in chunks on
    /// several cores, each chunk's text a piece: every item after the first starts with its comma.
    private static func piecesInChunks<Item>(
        _ items: [Item], bytesPerItem: Int, _ write: (inout JSONWriter, Item) throws -> Void
    ) throws -> [[UInt8]] {
        try ParallelWork.mapChunks(items) { chunk -> [UInt8] in
            var part = JSONWriter(capacity: chunk.count * bytesPerItem)
            for index in chunk.indices {
                if index != items.startIndex { part.bytes.append(UInt8(ascii: ",")) }
                part.newline(2)
                try write(&part, chunk[index])
            }
            return part.bytes
        }
    }
}
