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

    init(loader: ModelLoader, file: String, resets: ResetTags) {
        self.loader = loader
        self.file = file
        self.resets = resets
    }

    mutating func apply(to document: YAMLNode) throws -> YAMLNode {
        guard var services = document["services"], let pairs = services.mapping else { return document }
        for pair in pairs {
            let merged = try resolve(
                pair.key, in: &services, file: file, directory: loader.workingDirectory, chain: [], resets: resets)
            services.set(pair.key, merged)
        }
        var result = document
        result.set("services", services)
        return result
    }

    mutating func resolve(
        _ name: String, in services: inout YAMLNode, file: String, directory: String, chain: [Link], resets: ResetTags?
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
        if chain.contains(link) {
            let names = (chain + [link]).map { "\($0.service) (\(FilePaths.baseName($0.file)))" }
            throw CompileError(
                "circular extends: \(names.joined(separator: " → "))", at: extends.location, path: display)
        }
        var baseServices: YAMLNode
        var baseFile = file
        var baseDirectory = directory
        var baseResets: ResetTags?
        if let fileNode = extends["file"], let path = fileNode.scalar?.text, !fileNode.isNull {
            baseFile = FilePaths.absolute(path, relativeTo: directory)
            guard FilePaths.isFile(baseFile) else {
                throw CompileError(
                    "extends file \(baseFile) does not exist", at: fileNode.location, path: display + ".file")
            }
            let (other, otherResets) = ResetTags.strip(try loader.read(baseFile, requestedAt: fileNode.location))
            filesRead.append(baseFile)
            baseDirectory = FilePaths.directory(of: baseFile)
            let canonical = RelativePaths(directory: baseDirectory, home: loader.home)
                .apply(try CanonicalSyntax(lenient: loader.lenient).apply(other))
            guard let found = canonical["services"], found[reference] != nil else {
                throw CompileError(
                    "cannot extend service '\(name)': service '\(reference)' not found in \(baseFile)",
                    at: serviceNode?.location ?? extends.location, path: display)
            }
            baseServices = found
            baseResets = otherResets
        } else {
            guard services[reference] != nil else {
                throw CompileError(
                    "cannot extend service '\(name)': service '\(reference)' not found in \(FilePaths.baseName(file))",
                    at: serviceNode?.location ?? extends.location, path: display)
            }
            baseServices = services
            baseResets = resets
        }
        var base = try resolve(
            reference, in: &baseServices, file: baseFile, directory: baseDirectory, chain: chain + [link],
            resets: baseResets)
        if baseFile == file { services.set(reference, base) }
        if base.isNull { return service }
        if let resets { base = resets.rebased(from: ["services", name], to: []).apply(to: base) }
        var merged = try MergeRules.extend(base, with: service)
        merged.remove("extends")
        merged.location = service.location
        return merged
    }
}
