/// A position in an input file, 1-based like every editor shows it.
///
/// Every YAML node carries one, and stages copy nodes often, so the file is stored as a number
/// into `InternedStrings.sourceFiles` rather than as a string whose storage each copy would retain and release.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    private let fileNumber: UInt32
    private let storedLine: UInt32
    private let storedColumn: UInt32

    /// The file as given on the command line or resolved by discovery.
    public var file: String { InternedStrings.sourceFiles.string(fileNumber) }
    /// 1-based line.
    public var line: Int { Int(storedLine) }
    /// 1-based column.
    public var column: Int { Int(storedColumn) }

    public init(file: String, line: Int, column: Int) {
        self.init(fileNumber: InternedStrings.sourceFiles.number(of: file), line: line, column: column)
    }

    /// A location in a file already numbered by `InternedStrings.sourceFiles`, for the YAML parser,
    /// which makes one per node.
    init(fileNumber: UInt32, line: Int, column: Int) {
        self.fileNumber = fileNumber
        // Lines and columns past 4 billion cannot occur: inputs are far smaller than that.
        self.storedLine = UInt32(clamping: line)
        self.storedColumn = UInt32(clamping: column)
    }

    /// `file:line:column`, the form editors and CI annotators understand.
    public var description: String {
        var text = ""
        write(to: &text)
        return text
    }

    /// `description`, appended to `text`.
    func write(to text: inout String) {
        text += file
        text += ":"
        text += String(line)
        text += ":"
        text += String(column)
    }
}
