/// Loads a set of compose files into one merged model, the way compose-go does file by file:
/// parse → interpolate → `include` → `!reset`/`!override` → `extends` → merge → deduplicate →
/// validate (Validate/) → long syntax. After the last file: defaults, the rules across keys
/// (Validate/), absolute paths, and `KEY` environment items.
struct ModelLoader {
    /// Variables for interpolation and for `KEY` environment items.
    var environment: [String: String]
    /// Where relative paths of these files resolve (the project directory, or an include's).
    var workingDirectory: String
    /// The home directory for `~` in paths.
    var home: String?
    /// For `config --no-interpolate`: short port and volume syntax that does not parse stays as
    /// written (see `CanonicalSyntax.keepsUnparsed`).
    var keepsUnparsed = false
    /// The files of the include chain being loaded, for cycle detection.
    var includeChain: [String] = []
    /// Every file read, in order, for the plan's source list.
    var filesRead: [String] = []
    /// Warnings about variables that were unset and had no default.
    var warnings = WarningList()
    /// Files already parsed (to read the project name), each used once instead of parsing it again.
    var parsed: [String: YAMLNode] = [:]
    /// The digests of the files parsed, shared with the loaders this one starts.
    var digests = InputDigests()
    /// False for `config --no-interpolate`: `${…}` stays as written.
    var interpolate = true

    /// Loads and merges `files` in order.
    mutating func load(_ files: [String]) throws -> YAMLNode {
        var model = YAMLNode.mapping([], at: SourceLocation(file: files.first ?? "", line: 1, column: 1))
        for file in files {
            model = try loadFile(file, over: model)
        }
        ModelDefaults.update(&model)
        StageTimings.mark("defaults")
        try ModelRules.check(model)
        RelativePaths(directory: workingDirectory, home: home).update(&model)
        StageTimings.mark("relative paths")
        ModelNormalization(projectName: "", environment: environment).resolveEnvironmentItems(&model)
        return model
    }

    /// Parses and interpolates one file; it must hold a mapping.
    mutating func read(_ file: String, requestedAt location: SourceLocation? = nil) throws -> YAMLNode {
        var document: YAMLNode
        if let done = parsed.removeValue(forKey: file) {
            document = done
        } else {
            document = try YAMLParser().parse(try digests.read(file, requestedAt: location), file: file)
        }
        filesRead.append(file)
        guard document.mapping != nil else {
            if document.isNull { throw CompileError("the compose file is empty", at: document.location) }
            throw CompileError("a compose file must be a mapping, not \(document.kindName)", at: document.location)
        }
        guard interpolate else { return document }
        let variables = environment
        let warnings = self.warnings
        // Interpolation makes the model's own tree; the parsed one is freed on another core while
        // the next stages (include, extends, merge) run on this one.
        defer { BackgroundRelease.release(&document) }
        return try TreeInterpolation(
            template: VariableTemplate(lookup: { variables[$0] }),
            unset: { name, location, path in
                warnings.add(
                    CompileWarning(
                        code: "unset-variable",
                        message: "variable \(name) is not set; it is replaced by an empty string (at \(path))",
                        at: location))
            }
        ).apply(document)
    }

    mutating func loadFile(_ file: String, over model: YAMLNode) throws -> YAMLNode {
        var document = try read(file)
        var chain = includeChain
        chain.append(file)
        if document["include"] != nil {
            document = try IncludeLoader(parent: self, chain: chain).apply(to: document, filesRead: &filesRead)
        }
        StageTimings.mark("interpolate")
        let (stripped, resets) = ResetTags.strip(document)
        document = stripped
        var extends = ExtendsResolver(loader: self, file: file, resets: resets)
        document = try extends.apply(to: document)
        filesRead += extends.filesRead
        StageTimings.mark("reset tags, extends")
        var merged = try MergeRules.merge(resets.apply(to: model), document)
        StageTimings.mark("merge")
        merged = SequenceUnicity.apply(merged)
        StageTimings.mark("unique items")
        try SchemaValidator.validate(merged)
        StageTimings.mark("validate")
        merged.remove("version")
        merged = try CanonicalSyntax(keepsUnparsed: keepsUnparsed).apply(merged)
        StageTimings.mark("long syntax")
        merged = SequenceUnicity.apply(merged)
        StageTimings.mark("unique items")
        return merged
    }
}

extension ModelNormalization {
    /// `KEY` items of list-form `environment` take `KEY=value` from the environment when set
    /// there; in place, so a model held once is not copied.
    func resolveEnvironmentItems(_ model: inout YAMLNode) {
        model.updateValue(forKey: "services") { services in
            services.updatePairs { services in
                ParallelWork.forEach(&services) { pair in
                    guard let env = pair.value["environment"], env.sequence != nil else { return }
                    pair.value.set("environment", resolve(env, keepEmpty: true))
                }
            }
        }
    }
}

/// Warnings collected while loading, shared by a loader and the loaders it starts.
final class WarningList: @unchecked Sendable {
    private(set) var items: [CompileWarning] = []
    private var seen: Set<CompileWarning> = []

    func add(_ warning: CompileWarning) {
        if seen.insert(warning).inserted { items.append(warning) }
    }
}
