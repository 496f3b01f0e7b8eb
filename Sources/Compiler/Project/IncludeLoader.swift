/// Loads the `include:` entries of a compose file and adds their resources to it.
///
/// Each entry (`- other/compose.yaml`, or `{path, project_directory, env_file}`) is a project of
/// its own: its relative paths resolve against its project directory (the first file's directory
/// unless `project_directory` says otherwise), and it is interpolated with the including
/// project's variables plus its own env files (its `.env` by default), the including project's
/// values winning. Services, networks, volumes, secrets, configs and models it defines are added;
/// where the including file defines the same name, the including file's definition is merged over
/// the included one. Including a file already on the include chain is an error.
struct IncludeLoader {
    var parent: ModelLoader
    var chain: [String]

    /// Deepest chain of includes followed; each level is a recursion through the whole loader.
    static let maximumDepth = 64

    func apply(to document: YAMLNode, filesRead: inout [String]) throws -> YAMLNode {
        guard let includeNode = document["include"] else { return document }
        var result = document
        result.remove("include")
        if includeNode.isNull { return result }
        guard let entries = includeNode.sequence else {
            throw CompileError(
                "include must be a list, not \(includeNode.kindName)", at: includeNode.location, path: "include")
        }
        for (index, raw) in entries.enumerated() {
            let display = DisplayPath("include").index(index)
            let entry = raw.mapping != nil ? raw : YAMLNode.mapping([("path", raw)], at: raw.location)
            let imported = try load(entry, display: display, filesRead: &filesRead)
            for kind in ["services", "volumes", "networks", "secrets", "configs", "models"] {
                guard let resources = imported[kind]?.mapping else { continue }
                var target = result[kind] ?? .mapping([], at: raw.location)
                if target.isNull { target = .mapping([], at: target.location) }
                for resource in resources {
                    if let existing = target[resource.key] {
                        target.set(
                            resource.key,
                            try MergeRules.merge(
                                resource.value, existing, path: TreePath([kind, resource.key]),
                                display: DisplayPath(kind).key(resource.key)))
                    } else {
                        target.set(resource.key, resource.value)
                    }
                }
                result.set(kind, target)
            }
        }
        return result
    }

    /// The project one `include` entry (in long syntax) names, loaded as a project of its own.
    private func load(_ entry: YAMLNode, display: DisplayPath, filesRead: inout [String]) throws -> YAMLNode {
        let pathNodes = entry["path"].map { $0.sequence ?? [$0] } ?? []
        guard let firstNode = pathNodes.first else {
            throw CompileError("an include entry needs a path", at: entry.location, path: display.text)
        }
        let paths = try checkedPaths(pathNodes, display: display)
        let projectDirectory =
            entry["project_directory"]?.scalar.map {
                FilePaths.absolute($0.text, relativeTo: parent.workingDirectory)
            } ?? FilePaths.directory(of: paths[0])
        var envFiles: [String] = []
        if let envNode = entry["env_file"] {
            envFiles = (envNode.sequence ?? [envNode]).compactMap(\.scalar?.text).filter { $0 != "/dev/null" }
                .map { FilePaths.absolute($0, relativeTo: parent.workingDirectory) }
        } else {
            let dotEnv = FilePaths.absolute(".env", relativeTo: projectDirectory)
            if FilePaths.isFile(dotEnv) { envFiles = [dotEnv] }
        }
        let fromFiles = try DotEnvFiles.read(
            envFiles, base: parent.environment, requestedAt: entry["env_file"]?.location)
        var loader = ModelLoader(
            environment: fromFiles.merging(parent.environment) { _, parentValue in parentValue },
            workingDirectory: projectDirectory, home: parent.home, keepsUnparsed: parent.keepsUnparsed,
            includeChain: chain,
            warnings: parent.warnings, digests: parent.digests)
        let imported: YAMLNode
        do {
            imported = try loader.load(paths)
        } catch var error as CompileError where error.location == nil {
            // An included file that cannot be read (a device, no permission) is reported at its entry.
            error.location = firstNode.location
            error.path = display.key("path").text
            throw error
        }
        filesRead += loader.filesRead
        return imported
    }

    /// The absolute paths of an entry's files, which must exist and not be on the include chain.
    private func checkedPaths(_ pathNodes: [YAMLNode], display: DisplayPath) throws -> [String] {
        let paths = pathNodes.map { FilePaths.absolute($0.scalar?.text ?? "", relativeTo: parent.workingDirectory) }
        for (path, node) in zip(paths, pathNodes) where !FilePaths.isFile(path) {
            throw CompileError(
                "included file \(path) does not exist", at: node.location, path: display.key("path").text)
        }
        let firstNode = pathNodes[0]
        guard chain.count < Self.maximumDepth else {
            throw CompileError(
                "include nests more than \(Self.maximumDepth) files deep", at: firstNode.location,
                path: display.key("path").text)
        }
        if chain.contains(paths[0]) {
            let cycle = (chain + [paths[0]]).map(FilePaths.baseName).joined(separator: " → ")
            throw CompileError("include cycle: \(cycle)", at: firstNode.location, path: display.key("path").text)
        }
        return paths
    }
}
