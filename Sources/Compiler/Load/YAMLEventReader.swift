import CYAML
import Dispatch

/// One libyaml event with what the tree builder needs, as plain values: its scalar text, tag and
/// anchor are kept in its batch (`YAMLEventBatch`), so the reader copies bytes and makes no string.
///
/// The reader (libyaml's own work) is the slower of the two threads of a large parse, so the
/// strings are made by the tree builder.
struct YAMLEvent {
    enum Kind: UInt8 {
        case documentStart, scalar, alias, mappingStart, sequenceStart, mappingEnd, sequenceEnd, streamEnd, other
    }

    var kind: Kind
    var style = YAMLScalar.Style.plain
    /// Where the event starts.
    var start: SourceLocation
    /// A scalar's length in bytes; its text is left out when this passes the reader's limit.
    var length = 0
    /// Where a scalar's bytes start in its batch's `text` (-1: left out).
    var textOffset = -1
    /// The event's tag in its batch's `names` (-1: none).
    var tag: Int32 = -1
    /// The event's anchor, or an alias's anchor name, in its batch's `names` (-1: none).
    var anchor: Int32 = -1
}

/// Events read together, with the bytes of their scalars one after another and their tags and
/// anchor names.
struct YAMLEventBatch {
    var events: [YAMLEvent] = []
    var text: [UInt8] = []
    var names: [String] = []

    /// The tag or anchor name at `index` (-1: none).
    func name(_ index: Int32) -> String? {
        index >= 0 ? names[Int(index)] : nil
    }

    static func streamEnd(at location: SourceLocation) -> YAMLEventBatch {
        YAMLEventBatch(events: [YAMLEvent(kind: .streamEnd, start: location)])
    }
}

/// Reads the events of a YAML text with libyaml, in batches.
///
/// A large file's events are read on another thread (`EventStream`) while the tree builder
/// consumes them, so parsing text and building nodes overlap; a small file's are read on the
/// caller's thread. Both give the same events in the same order, and stop at the same error.
final class YAMLEventReader {
    /// Texts at least this long are read on another thread.
    static let backgroundThreshold = 64 * 1024
    /// Events handed over at a time.
    static let batchSize = 2048

    private let file: String
    private let fileNumber: UInt32
    private let maximumScalarBytes: Int
    /// The text, held while libyaml keeps a pointer into it between calls.
    private let input: FileBytes
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private var finished = false

    init(file: String, fileNumber: UInt32, bytes: FileBytes, maximumScalarBytes: Int) throws {
        self.file = file
        self.fileNumber = fileNumber
        self.maximumScalarBytes = maximumScalarBytes
        input = bytes
        parser = UnsafeMutablePointer.allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            throw CompileError("cannot initialize the YAML parser", at: SourceLocation(file: file, line: 1, column: 1))
        }
        yaml_parser_set_input_string(parser, bytes.bytes.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// The next events; the last batch ends with `.streamEnd`. Throws the parser's error, with
    /// the events before it already returned.
    func nextBatch() throws -> YAMLEventBatch {
        guard !finished else { return .streamEnd(at: location(line: 0, column: 0)) }
        var batch = YAMLEventBatch()
        batch.events.reserveCapacity(Self.batchSize)
        batch.text.reserveCapacity(Self.batchSize * 16)
        while batch.events.count < Self.batchSize {
            var event = yaml_event_t()
            guard yaml_parser_parse(parser, &event) == 1 else {
                finished = true
                throw parserError()
            }
            defer { yaml_event_delete(&event) }
            let converted = convert(event, into: &batch)
            batch.events.append(converted)
            if event.type == YAML_STREAM_END_EVENT {
                finished = true
                break
            }
        }
        return batch
    }

    private func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(fileNumber: fileNumber, line: line + 1, column: column + 1)
    }

    private func convert(_ event: yaml_event_t, into batch: inout YAMLEventBatch) -> YAMLEvent {
        let start = location(line: Int(event.start_mark.line), column: Int(event.start_mark.column))
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            return YAMLEvent(kind: .documentStart, start: start)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            var converted = YAMLEvent(kind: .scalar, start: start)
            converted.length = Int(scalar.length)
            if converted.length <= maximumScalarBytes {
                converted.textOffset = batch.text.count
                batch.text.append(contentsOf: UnsafeBufferPointer(start: scalar.value, count: converted.length))
            }
            switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: converted.style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: converted.style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: converted.style = .literal
            case YAML_FOLDED_SCALAR_STYLE: converted.style = .folded
            default: converted.style = .plain
            }
            converted.tag = Self.name(scalar.tag, in: &batch)
            converted.anchor = Self.name(scalar.anchor, in: &batch)
            return converted
        case YAML_ALIAS_EVENT:
            var converted = YAMLEvent(kind: .alias, start: start)
            converted.anchor = Self.name(event.data.alias.anchor, in: &batch)
            return converted
        case YAML_MAPPING_START_EVENT:
            var converted = YAMLEvent(kind: .mappingStart, start: start)
            converted.tag = Self.name(event.data.mapping_start.tag, in: &batch)
            converted.anchor = Self.name(event.data.mapping_start.anchor, in: &batch)
            return converted
        case YAML_SEQUENCE_START_EVENT:
            var converted = YAMLEvent(kind: .sequenceStart, start: start)
            converted.tag = Self.name(event.data.sequence_start.tag, in: &batch)
            converted.anchor = Self.name(event.data.sequence_start.anchor, in: &batch)
            return converted
        case YAML_MAPPING_END_EVENT:
            return YAMLEvent(kind: .mappingEnd, start: start)
        case YAML_SEQUENCE_END_EVENT:
            return YAMLEvent(kind: .sequenceEnd, start: start)
        case YAML_STREAM_END_EVENT:
            return YAMLEvent(kind: .streamEnd, start: start)
        default:
            return YAMLEvent(kind: .other, start: start)
        }
    }

    private func parserError() -> CompileError {
        let problem = parser.pointee.problem.map { String(cString: $0) } ?? "invalid YAML"
        var message = problem
        if let context = parser.pointee.context { message += " " + String(cString: context) }
        if parser.pointee.error == YAML_READER_ERROR {
            // Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
            let offset = min(Int(parser.pointee.problem_offset), input.count)
            var line = 1
            var column = 1
            for byte in input.bytes[..<offset] {
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            if parser.pointee.problem_value != -1 {
                message += " (byte 0x\(Self.hexDigits(Int(parser.pointee.problem_value))))"
            }
            return CompileError("invalid YAML: \(message)", at: SourceLocation(file: file, line: line, column: column))
        }
        let mark = parser.pointee.problem_mark
        return CompileError(
            "invalid YAML: \(message)", at: location(line: Int(mark.line), column: Int(mark.column)))
    }

    /// Upper-case hexadecimal, at least two digits (printf's `%02X`).
    static func hexDigits(_ value: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count < 2 ? "0" + digits : digits
    }

    /// Keeps a tag or anchor name in the batch, giving its index (-1 for none).
    private static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?, in batch: inout YAMLEventBatch) -> Int32 {
        guard let pointer else { return -1 }
        batch.names.append(String(cString: pointer))
        return Int32(truncatingIfNeeded: batch.names.count - 1)
    }
}

/// The batches of a reader running on another thread, in order. At most `capacity` batches wait,
/// so a builder that stops early (on an error) leaves little work behind; `finish` stops the
/// reader and waits for its thread to end, so nothing outlives the parse.
final class YAMLEventStream: @unchecked Sendable {
    private static let capacity = 8
    private let condition = ThreadCondition()
    private var pending: [Result<YAMLEventBatch, Error>] = []
    private var next = 0
    private var cancelled = false
    private var readerDone = false

    init(_ reader: YAMLEventReader) {
        // A queue of its own runs on a thread of its own, beside the caller's.
        DispatchQueue(label: "compose-compile.yaml-reader").async { [self] in
            self.read(reader)
        }
    }

    private func read(_ reader: YAMLEventReader) {
        while true {
            let batch = Result { try reader.nextBatch() }
            var last = true
            if case .success(let events) = batch { last = events.events.last?.kind == .streamEnd }
            condition.lock()
            while pending.count - next >= Self.capacity && !cancelled { condition.wait() }
            let stop = cancelled
            if !stop { pending.append(batch) }
            condition.broadcast()
            condition.unlock()
            if stop || last { break }
        }
        condition.lock()
        readerDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, waiting for it; throws the reader's error in its place.
    func nextBatch() throws -> YAMLEventBatch {
        condition.lock()
        while next == pending.count && !readerDone { condition.wait() }
        guard next < pending.count else {
            condition.unlock()
            return .streamEnd(at: SourceLocation(fileNumber: 0, line: 1, column: 1))
        }
        let batch = pending[next]
        // The taken batch's events are released now, not when the queue next empties.
        pending[next] = .success(YAMLEventBatch())
        next += 1
        if next == pending.count {
            pending.removeAll(keepingCapacity: true)
            next = 0
        }
        condition.broadcast()
        condition.unlock()
        return try batch.get()
    }

    /// Stops the reader and waits for its thread to end.
    func finish() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !readerDone { condition.wait() }
        condition.unlock()
    }
}
