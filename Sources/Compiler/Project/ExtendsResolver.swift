/// Resolves `extends:` in the services of one compose file.
///
/// The base service comes from the same file (`extends: web` or `extends: {service: web}`) or from
/// another file (`extends: {file: common.yaml, service: web}`, relative to the loading directory).
/// Bases are resolved first, recursively, so chains work; a service reached twice on one chain is
/// a cycle and an error. The service's own values are merged over the base's with the usual merge
/// rules, after the file's `!reset`/`!override` paths are removed from the base. Relative paths
/// of a base from another file resolve against that file's directory.
struct ExtendsResolver {
    var loader: ModelLoader
    var file: String
    var resets: ResetTags
    var filesRead: [String] = []

    struct Link: Equatable {
        var file: String
        var service: String
    }

    /// Longest `extends` chain followed. Each link is a level of recursion (and a copy of the chain),
    /// so thousands of services extending each other would otherwise overflow the stack.
    static let maximumChain = 64

    init(loader: ModelLoader, file: String, resets: ResetTags) {
        self.loader = loader
        self.file = file
        self.resets = resets
    }

    /// A file's `services` mapping with its keys indexed, so looking up or replacing a service does
    /// not scan the mapping (files can hold thousands of services).
    struct ServiceTable {
        private(set) var node: YAMLNode
        private var positions: [String: Int] = [:]

        init(_ node: YAMLNode) {
            self.node = node
            for (position, pair) in (node.mapping ?? []).enumerated() where positions[pair.key] == nil {
                positions[pair.key] = position
            }
        }

        var location: SourceLocation { node.location }

        subscript(name: String) -> YAMLNode? {
            guard let position = positions[name], case .mapping(let pairs) = node.content else { return nil }
            return pairs[position].value
        }

        /// Replaces the service `name`, which must be in the table.
        mutating func replace(_ name: String, with value: YAMLNode) {
            guard let position = positions[name] else { return }
            node.updatePairs { $0[position].value = value }
        }
    }

    mutating func apply(to document: YAMLNode) throws -> YAMLNode {
        guard let servicesNode = document["services"], let pairs = servicesNode.mapping else { return document }
        var services = ServiceTable(servicesNode)
        for pair in pairs {
            let merged = try resolve(
                pair.key, in: &services, file: file, directory: loader.workingDirectory, chain: [], resets: resets)
            services.replace(pair.key, with: merged)
        }
        var result = document
        result.set("services", services.node)
        return result
    }

    /// The service `name` of `services` with its `extends` chain merged in. Bases resolved on the
    /// way are stored back into `services` when they come from the same file (resolving one gives
    /// the same result whenever it is done, and a stored one has no `extends` left).
    mutating func resolve(
        _ name: String, in services: inout ServiceTable, file: String, directory: String, chain: [Link],
        resets: ResetTags?
    ) throws -> YAMLNode {
        guard let service = services[name] else {
            throw CompileError("service '\(name)' not found", at: services.location, path: "services")
        }
        guard let extends = service["extends"], service.mapping != nil else { return service }
        let display = "services.\(name).extends"
        let serviceNode = extends.mapping != nil ? extends["service"] : extends
        guard let reference = serviceNode?.scalar?.text, !(serviceNode?.isNull ?? true) else {
            throw CompileError("extends needs the name of the service to extend", at: extends.location, path: display)
        }
        let link = Link(file: file, service: name)
        guard chain.count < Self.maximumChain else {
            throw CompileError(
                "extends goes through more than \(Self.maximumChain) services (from '\(chain[0].service)')",
                at: extends.location, path: display)
        }
        if chain.contains(link) {
            let names = (chain + [link]).map { "\($0.service) (\(FilePaths.baseName($0.file)))" }
            throw CompileError(
                "circular extends: \(names.joined(separator: " → "))", at: extends.location, path: display)
        }
        var base: YAMLNode
        let baseFile: String
        if let fileNode = extends["file"], let path = fileNode.scalar?.text, !fileNode.isNull {
            baseFile = FilePaths.absolute(path, relativeTo: directory)
            guard FilePaths.isFile(baseFile) else {
                throw CompileError(
                    "extends file \(baseFile) does not exist", at: fileNode.location, path: display + ".file")
            }
            let (other, otherResets) = ResetTags.strip(try loader.read(baseFile, requestedAt: fileNode.location))
            filesRead.append(baseFile)
            let baseDirectory = FilePaths.directory(of: baseFile)
            let canonical = RelativePaths(directory: baseDirectory, home: loader.home)
                .apply(try CanonicalSyntax(keepsUnparsed: loader.keepsUnparsed).apply(other))
            guard let found = canonical["services"], found[reference] != nil else {
                throw CompileError(
                    "cannot extend service '\(name)': service '\(reference)' not found in \(baseFile)",
                    at: serviceNode?.location ?? extends.location, path: display)
            }
            var baseServices = ServiceTable(found)
            base = try resolve(
                reference, in: &baseServices, file: baseFile, directory: baseDirectory, chain: chain + [link],
                resets: otherResets)
        } else {
            guard services[reference] != nil else {
                throw CompileError(
                    "cannot extend service '\(name)': service '\(reference)' not found in \(FilePaths.baseName(file))",
                    at: serviceNode?.location ?? extends.location, path: display)
            }
            baseFile = file
            base = try resolve(
                reference, in: &services, file: file, directory: directory, chain: chain + [link], resets: resets)
        }
        if baseFile == file { services.replace(reference, with: base) }
        if base.isNull { return service }
        if let resets { base = resets.rebased(from: ["services", name], to: []).apply(to: base) }
        var merged = try MergeRules.extend(base, with: service)
        merged.remove("extends")
        merged.location = service.location
        return merged
    }
}
