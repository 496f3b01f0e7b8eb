/// A position in an input file, 1-based like every editor shows it.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file as given on the command line or resolved by discovery.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the form editors and CI annotators understand.
    public var description: String { "\(file):\(line):\(column)" }
}
