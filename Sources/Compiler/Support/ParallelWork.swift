import Dispatch
import FoundationEssentials

/// Runs independent pieces of a stage on several cores with a result that does not depend on how
/// many there are: work is cut into contiguous chunks, and results, and the first error, come
/// back in input order, exactly as a sequential loop would give them.
///
/// Only the per-service stages use it: services are independent of one another there, and a
/// project of a thousand services spends most of its time in them. Calls made from inside a
/// chunk run on that chunk's thread (libdispatch runs nested `concurrentPerform` inline), so
/// only the outermost split of a stage is spread over the cores.
enum ParallelWork {
    /// Fewer items than this run on the calling thread: below it, starting threads costs more
    /// than it saves. `COMPOSE_COMPILE_CHUNK` sets another minimum (tests use 1 to split even
    /// the smallest projects, and check the plan does not change).
    static let minimumItemsPerChunk: Int = {
        if let text = ProcessInfo.processInfo.environment["COMPOSE_COMPILE_CHUNK"], let count = Int(text), count > 0 {
            return count
        }
        return 32
    }()

    /// Worker count: `COMPOSE_COMPILE_THREADS` when set to a positive number (1 turns parallel
    /// work off), else the active processor count, at most 8.
    static let workerCount: Int = {
        if let text = ProcessInfo.processInfo.environment["COMPOSE_COMPILE_THREADS"], let count = Int(text),
            count > 0
        {
            return min(count, 64)
        }
        return max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
    }()

    /// `transform` applied to contiguous chunks of `items`, the chunks' results in order.
    /// `minimumItemsPerChunk` can be lowered for items that are each a large piece of work.
    static func mapChunks<Item, Value>(
        _ items: [Item], minimumItemsPerChunk: Int = minimumItemsPerChunk, _ transform: (ArraySlice<Item>) -> Value
    ) -> [Value] {
        let chunkCount = min(workerCount, items.count / max(1, minimumItemsPerChunk))
        guard chunkCount > 1 else { return [transform(items[...])] }
        let bounds = (0...chunkCount).map { items.count * $0 / chunkCount }
        let results = ResultSlots<Value>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            results.store(transform(items[bounds[chunk]..<bounds[chunk + 1]]), at: chunk)
        }
        return results.values()
    }

    /// `transform` applied to contiguous chunks of `items`, the chunks' results in order, or the
    /// error of the first chunk that failed, which is the error a sequential loop would meet.
    static func mapChunks<Item, Value>(
        _ items: [Item], minimumItemsPerChunk: Int = minimumItemsPerChunk,
        _ transform: (ArraySlice<Item>) throws -> Value
    ) throws -> [Value] {
        try mapChunks(items, minimumItemsPerChunk: minimumItemsPerChunk) { chunk in Result { try transform(chunk) } }
            .map { try $0.get() }
    }

    /// `transform` applied to every item, in order; items are spread over the workers in chunks.
    static func map<Item, Value>(_ items: [Item], _ transform: (Item) -> Value) -> [Value] {
        // Most calls are for small mappings: they get a plain map and no wrapping arrays.
        guard isWorthSplitting(items.count) else { return items.map(transform) }
        return mapChunks(items) { chunk in chunk.map(transform) }.flatMap { $0 }
    }

    /// Whether `count` items make at least two chunks.
    static func isWorthSplitting(_ count: Int) -> Bool {
        workerCount > 1 && count >= 2 * minimumItemsPerChunk
    }

    /// How many chunks `count` items are cut into.
    private static func chunkCount(for count: Int) -> Int {
        min(workerCount, count / minimumItemsPerChunk)
    }

    /// Runs `body` on each of the contiguous ranges `0..<count` is cut into (as `mapChunks` cuts
    /// items), each on a core of its own, with the range's number.
    private static func forEachRange(of count: Int, _ body: (Range<Int>, Int) -> Void) {
        let chunkCount = chunkCount(for: count)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            body(count * chunk / chunkCount..<count * (chunk + 1) / chunkCount, chunk)
        }
    }

    /// Changes every item of `items` in place with `body`, in chunks on several cores.
    static func forEach<Item>(_ items: inout [Item], _ body: (inout Item) -> Void) {
        guard isWorthSplitting(items.count) else {
            for index in items.indices { body(&items[index]) }
            return
        }
        items.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer)
            forEachRange(of: shared.buffer.count) { range, _ in
                for index in range { body(&shared.buffer[index]) }
            }
        }
    }

    /// Changes every item of `items` in place with `body`, in chunks on several cores, or throws
    /// the error a sequential loop would meet first (items after it may have been changed).
    static func forEach<Item>(_ items: inout [Item], _ body: (inout Item) throws -> Void) throws {
        guard isWorthSplitting(items.count) else {
            for index in items.indices { try body(&items[index]) }
            return
        }
        let outcomes = ResultSlots<Result<Void, Error>>(count: chunkCount(for: items.count))
        items.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedBuffer(buffer)
            forEachRange(of: shared.buffer.count) { range, chunk in
                outcomes.store(Result { for index in range { try body(&shared.buffer[index]) } }, at: chunk)
            }
        }
        // A chunk stops at its first error; the first chunk that failed holds the first in order.
        for outcome in outcomes.values() { try outcome.get() }
    }

    /// Changes every item of `items` in place with `body`, in chunks on several cores, then
    /// removes the items for which it returned false, keeping the others in order.
    static func update<Item>(_ items: inout [Item], _ body: (inout Item) -> Bool) {
        guard isWorthSplitting(items.count) else {
            items.updateKeeping(body)
            return
        }
        var keep = [Bool](repeating: true, count: items.count)
        items.withUnsafeMutableBufferPointer { buffer in
            keep.withUnsafeMutableBufferPointer { flags in
                let shared = (items: SharedBuffer(buffer), flags: SharedBuffer(flags))
                forEachRange(of: shared.items.buffer.count) { range, _ in
                    for index in range { shared.flags.buffer[index] = body(&shared.items.buffer[index]) }
                }
            }
        }
        guard keep.contains(false) else { return }
        var index = 0
        items.updateKeeping { _ in
            defer { index += 1 }
            return keep[index]
        }
    }

    /// `transform` applied to every item, in order, or the first error in order.
    static func map<Item, Value>(_ items: [Item], _ transform: (Item) throws -> Value) throws -> [Value] {
        guard isWorthSplitting(items.count) else { return try items.map(transform) }
        return try mapChunks(items) { chunk in try chunk.map(transform) }.flatMap { $0 }
    }

    /// `map` for items that are each a large piece of work (a network of a thousand services):
    /// split from `minimumItemsPerChunk` items per chunk, unless `COMPOSE_COMPILE_CHUNK` asks for
    /// fewer.
    static func map<Item, Value>(
        _ items: [Item], minimumItemsPerChunk minimum: Int, _ transform: (Item) throws -> Value
    ) throws -> [Value] {
        let minimum = min(minimum, minimumItemsPerChunk)
        guard workerCount > 1, items.count / 2 >= minimum else { return try items.map(transform) }
        return try mapChunks(items, minimumItemsPerChunk: minimum) { chunk in try chunk.map(transform) }.flatMap { $0 }
    }
}

/// One result slot per chunk, each written by exactly one worker before `concurrentPerform`
/// returns, which orders the writes before the reads. The slots live in raw memory, so workers
/// writing different slots never touch a shared Swift array (whose access is checked for
/// exclusivity at run time).
private final class ResultSlots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Value?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = UnsafeMutablePointer.allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func store(_ value: Value, at index: Int) {
        slots[index] = value
    }

    /// The values in order.
    func values() -> [Value] {
        (0..<count).compactMap { slots[$0] }
    }
}

/// A buffer whose elements workers change in ranges that do not overlap.
private struct SharedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        self.buffer = buffer
    }
}

extension Array {
    /// Changes every element in place with `body`, in order, and removes those for which it
    /// returned false, keeping the others in order; one pass, no new array.
    mutating func updateKeeping(_ body: (inout Element) -> Bool) {
        var kept = 0
        for index in indices where body(&self[index]) {
            if kept != index { swapAt(kept, index) }
            kept += 1
        }
        removeLast(count - kept)
    }
}
