import Plan

/// One variable a compose file names, as `docker compose config --variables` lists it.
public struct VariableUse: Equatable, Sendable {
    public var name: String
    /// `${NAME:?…}` or `${NAME?…}`.
    public var required: Bool
    /// The text after `:-` or `-`.
    public var defaultValue: String
    /// The text after `:+` or `+` (compose-go's "presence value").
    public var alternateValue: String
}

/// The variables of compose files before interpolation: every `$NAME` and `${…}` in their values,
/// defaults and alternatives included, read with the same template grammar as interpolation.
public enum VariableUsage {
    /// The variables of `files` (`-` is standard input, whose relative paths start at
    /// `workingDirectory`) and of the files they include or extend, sorted by name; a variable written
    /// several ways keeps what each way tells (required, default, alternative).
    public static func scan(files: [String], workingDirectory: String) throws -> [VariableUse] {
        var uses: [String: VariableUse] = [:]
        var template = VariableTemplate(lookup: { _ in nil })
        template.observe = { name, op, argument in
            var use = uses[name] ?? VariableUse(name: name, required: false, defaultValue: "", alternateValue: "")
            // The first of each kind counts, in document order with mapping keys sorted (compose-go's).
            switch op {
            case ":?", "?": use.required = true
            case ":-", "-": if use.defaultValue.isEmpty { use.defaultValue = argument }
            case ":+", "+": if use.alternateValue.isEmpty { use.alternateValue = argument }
            default: break
            }
            uses[name] = use
        }
        var pending = files
        var seen: Set<String> = []
        while let file = pending.first {
            pending.removeFirst()
            guard seen.insert(file).inserted else { continue }
            let bytes =
                file == FilePaths.standardInput ? FileBytes.standardInput() : try FileBytes.read(file).orThrow(file)
            var document = try YAMLParser().parse(bytes, file: file)
            // The project name is read before variables are listed: compose-go does not list its own.
            document.remove("name")
            try visit(document) { text in
                do {
                    _ = try template.substitute(text)
                } catch {
                    // An unreadable template is interpolation's error to report; it names nothing here.
                }
            }
            let directory = file == FilePaths.standardInput ? workingDirectory : FilePaths.directory(of: file)
            pending += referencedFiles(document).map { FilePaths.absolute($0, relativeTo: directory) }
        }
        return uses.keys.sorted().compactMap { uses[$0] }
    }

    /// The files a compose file brings in: `include` paths and `extends.file` of its services, as
    /// written (a path holding a variable is left out: it is known only once interpolated).
    private static func referencedFiles(_ document: YAMLNode) -> [String] {
        var paths: [String] = []
        for entry in document["include"]?.sequence ?? [] {
            let path = entry.scalar != nil ? entry : entry["path"]
            paths += (path?.sequence ?? path.map { [$0] } ?? []).compactMap(\.scalar?.text)
        }
        for service in document["services"]?.mapping ?? [] {
            if let file = service.value["extends"]?["file"]?.scalar?.text { paths.append(file) }
        }
        return paths.filter { !$0.contains("$") }
    }

    /// Calls `body` with every scalar value (not keys) of `node`.
    private static func visit(_ node: YAMLNode, _ body: (String) throws -> Void) throws {
        if let items = node.sequence {
            for item in items { try visit(item, body) }
        } else if let pairs = node.mapping {
            for pair in pairs.sorted(by: { $0.key < $1.key }) { try visit(pair.value, body) }
        } else if let text = node.scalar?.text {
            try body(text)
        }
    }

    /// The `--variables` table: NAME, REQUIRED, DEFAULT VALUE, ALTERNATE VALUE, each column at least
    /// 20 wide and 3 spaces past its longest cell, the last one unpadded (docker's tabwriter).
    public static func table(_ uses: [VariableUse]) -> String {
        let rows =
            [["NAME", "REQUIRED", "DEFAULT VALUE", "ALTERNATE VALUE"]]
            + uses.map { [$0.name, $0.required ? "true" : "false", $0.defaultValue, $0.alternateValue] }
        let widths = (0..<3).map { column in max(20, (rows.map { $0[column].count }.max() ?? 0) + 3) }
        return rows.map { row in
            (0..<3).map { row[$0] + String(repeating: " ", count: widths[$0] - row[$0].count) }.joined() + row[3]
                + "\n"
        }.joined()
    }
}

extension Optional where Wrapped == FileBytes {
    fileprivate func orThrow(_ file: String) throws -> FileBytes {
        guard let self else { throw CompileError("cannot read file \(file)", at: nil) }
        return self
    }
}
