import Synchronization

/// A position in an input file, 1-based like every editor shows it.
///
/// Every YAML node carries one, and stages copy nodes often, so the file is stored as a number
/// into `SourceFiles` rather than as a string whose storage each copy would retain and release.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    private let fileNumber: UInt32
    private let storedLine: UInt32
    private let storedColumn: UInt32

    /// The file as given on the command line or resolved by discovery.
    public var file: String { SourceFiles.shared.path(fileNumber) }
    /// 1-based line.
    public var line: Int { Int(storedLine) }
    /// 1-based column.
    public var column: Int { Int(storedColumn) }

    public init(file: String, line: Int, column: Int) {
        self.init(fileNumber: SourceFiles.shared.number(of: file), line: line, column: column)
    }

    /// A location in a file already numbered by `SourceFiles.number(of:)`, for the YAML parser,
    /// which makes one per node.
    init(fileNumber: UInt32, line: Int, column: Int) {
        self.fileNumber = fileNumber
        // Lines and columns past 4 billion cannot occur: inputs are far smaller than that.
        self.storedLine = UInt32(clamping: line)
        self.storedColumn = UInt32(clamping: column)
    }

    /// `file:line:column`, the form editors and CI annotators understand.
    public var description: String { "\(file):\(line):\(column)" }
}

/// The paths of the files locations point into, numbered in the order they were first seen.
///
/// The numbers only stand for paths inside one process; nothing prints or sorts by them.
final class SourceFiles: Sendable {
    static let shared = SourceFiles()

    private struct Registry {
        var paths: [String] = []
        var numbers: [String: UInt32] = [:]
    }

    private let registry = Mutex(Registry())

    /// The number of `path`, given it on first sight.
    func number(of path: String) -> UInt32 {
        registry.withLock { registry in
            if let number = registry.numbers[path] { return number }
            let number = UInt32(registry.paths.count)
            registry.paths.append(path)
            registry.numbers[path] = number
            return number
        }
    }

    /// The path numbered `number`.
    func path(_ number: UInt32) -> String {
        registry.withLock { $0.paths[Int(number)] }
    }
}
