import FoundationEssentials
import Plan

/// A compose project loaded the way `docker compose config` loads it.
///
/// The model is the normalized tree in the shape of `docker compose config --format json` (long
/// syntax everywhere, typed scalars, absolute paths, profiles applied, env files folded into
/// `environment`), with every node keeping the position it came from and `x-` extensions kept.
public struct ComposeModel: Sendable {
    public var name: String
    public var projectDirectory: String
    /// The compose files given or discovered, in load order.
    public var files: [String]
    /// Every file read: compose files, extended and included files (not env files).
    public var filesRead: [String]
    /// The variables interpolation used.
    public var environment: [String: String]
    public var model: YAMLNode
    /// Warnings raised while loading (unset variables).
    public var warnings: [CompileWarning] = []
    /// The digests of the files parsed, from the bytes parsed.
    var inputDigests = InputDigests()
    /// Loaded with `interpolate: false`: merged as written, not normalized.
    public var isRaw = false

    /// Default compose file names, in docker compose's order of preference.
    public static let baseNames = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"]
    /// Override files loaded after the base file when no `-f` is given.
    public static let overrideNames = [
        "compose.override.yml", "compose.override.yaml", "docker-compose.override.yml", "docker-compose.override.yaml",
    ]
    /// Incus overlays loaded after the override file when no `-f` is given.
    public static let incusOverlayNames = [
        "compose.incus.yaml", "compose.incus.yml", "docker-compose.incus.yaml", "docker-compose.incus.yml",
    ]

    /// What the loaded model is for.
    public enum Purpose: Sendable {
        /// `config`: reject references to undefined services, networks, volumes, secrets and configs
        /// as docker compose does.
        case config
        /// Translation: leave references unchecked for the translator, whose errors explain the
        /// Incus-specific fix; record the digest of every file read for the plan.
        case compile
    }

    /// Loads the project `options` describe: discovery and parsing, then the files loaded and
    /// merged one by one (`ModelLoader`), then what applies to the merged model.
    public static func load(_ options: CompileOptions, for purpose: Purpose = .config) throws -> ComposeModel {
        let cwd = options.workingDirectory
        let explicitDirectory = options.projectDirectory.map { FilePaths.absolute($0, relativeTo: cwd) }
        // A compose file on standard input has no directory: its project's is the working directory.
        let envDirectory =
            explicitDirectory ?? options.files.first.flatMap {
                $0 == FilePaths.standardInput ? nil : FilePaths.directory(of: FilePaths.absolute($0, relativeTo: cwd))
            }
            ?? cwd
        let sources = try EnvironmentSources(
            process: options.environment, envFiles: options.environmentFiles, directory: envDirectory,
            workingDirectory: cwd)
        StageTimings.mark("start")
        let files = try composeFiles(options, sources: sources, start: explicitDirectory ?? cwd)
        let projectDirectory =
            explicitDirectory ?? (files[0] == FilePaths.standardInput ? cwd : FilePaths.directory(of: files[0]))
        var variables = sources.variables
        var parsed: [String: YAMLNode] = [:]
        let digests = InputDigests(recording: purpose == .compile)
        let name = try projectName(
            options, sources: sources, files: files, directory: projectDirectory, parsed: &parsed, digests: digests)
        variables["COMPOSE_PROJECT_NAME"] = name
        StageTimings.mark("parse")
        var loader = ModelLoader(
            environment: variables, workingDirectory: projectDirectory, home: options.environment["HOME"],
            keepsUnparsed: !options.interpolate)
        loader.parsed = parsed
        // The loader now holds the only reference to each parsed tree, which it frees once used.
        parsed = [:]
        loader.digests = digests
        loader.interpolate = options.interpolate
        var result = ComposeModel(
            name: name, projectDirectory: projectDirectory, files: files, filesRead: [], environment: variables,
            model: try loader.load(files), inputDigests: digests, isRaw: !options.interpolate)
        result.filesRead = loader.filesRead
        result.warnings = loader.warnings.items
        StageTimings.mark("environment items")
        let profiles = options.profiles.isEmpty ? sources.profiles : options.profiles
        try result.finish(options, profiles: profiles, envFiles: sources.envFiles, purpose: purpose)
        return result
    }

    /// The rewrites of the merged model: compose-go's normalization, then (unless `${…}` stays as
    /// written, compose-go's model before interpolation) profiles, the references `config`
    /// checks, unused resources, `env_file` and `label_file`, and the shape `config` prints.
    private mutating func finish(
        _ options: CompileOptions, profiles: [String], envFiles: [String], purpose: Purpose
    ) throws {
        let normalization = ModelNormalization(projectName: name, environment: environment)
        if options.normalize {
            normalization.update(&model)
        } else {
            normalization.updateWithoutNormalizing(&model)
        }
        guard !isRaw else { return }
        let allServices = Set(model["services"]?.mapping?.map(\.key) ?? [])
        StageTimings.mark("model normalization")
        model = try Profiles.apply(model, active: profiles)
        if purpose == .config { try ModelConsistency.check(model, allServices: allServices) }
        model = UnusedResources.apply(model)
        // Every input the model depends on, so the plan records each one's digest: the compose,
        // extends and include files, the project's env files, and the services' env and label files.
        filesRead += envFiles
        StageTimings.mark("profiles, unused")
        model = try ServiceEnvironment.apply(model, projectVariables: environment, filesRead: &filesRead)
        model = try ServiceLabels.apply(model, filesRead: &filesRead)
        StageTimings.mark("env_file, label_file")
        // Shaped in place, `model` having let go of the tree: held once, what stays is not copied.
        // A project is always kept, so only a null model (left as it is) could be left out.
        if !model.isNull {
            var shaped = model
            model = YAMLNode.mapping([], at: shaped.location)
            _ = ShapeApplier(keepExtensions: true).shape(.project, &shaped)
            model = shaped
        }
        StageTimings.mark("shape")
    }

    /// The compose files `options` name or discovery finds, in load order (`-` for standard input).
    public static func composeFiles(of options: CompileOptions) throws -> [String] {
        let cwd = options.workingDirectory
        let explicitDirectory = options.projectDirectory.map { FilePaths.absolute($0, relativeTo: cwd) }
        let sources = try EnvironmentSources(
            process: options.environment, envFiles: options.environmentFiles, directory: explicitDirectory ?? cwd,
            workingDirectory: cwd)
        return try composeFiles(options, sources: sources, start: explicitDirectory ?? cwd)
    }

    /// `-f` files, else `COMPOSE_FILE`, else the base file found in `start` or a parent directory
    /// with its override file and Incus overlay.
    static func composeFiles(_ options: CompileOptions, sources: EnvironmentSources, start: String) throws -> [String] {
        let cwd = options.workingDirectory
        let given = options.files.isEmpty ? sources.composeFiles : options.files
        if !given.isEmpty {
            return try given.map { file in
                if file == FilePaths.standardInput { return file }
                let path = FilePaths.absolute(file, relativeTo: cwd)
                guard FilePaths.isFile(path) else { throw CompileError("compose file \(path) does not exist", at: nil) }
                return path
            }
        }
        var directory = start
        while true {
            if let base = baseNames.map({ FilePaths.absolute($0, relativeTo: directory) }).first(
                where: FilePaths.isFile)
            {
                var files = [base]
                for names in [overrideNames, incusOverlayNames] {
                    if let extra = names.map({ FilePaths.absolute($0, relativeTo: directory) }).first(
                        where: FilePaths.isFile)
                    {
                        files.append(extra)
                    }
                }
                return files
            }
            if directory == "/" {
                throw CompileError(
                    "no compose file found in \(start) or its parents (looked for \(baseNames.joined(separator: ", ")))",
                    at: nil)
            }
            directory = FilePaths.directory(of: directory)
        }
    }

    /// `-p`, else `COMPOSE_PROJECT_NAME`, else the last `name:` of the files (interpolated), else
    /// the project directory's name, lowercased with other characters dropped. Files parsed to find
    /// `name:` are left in `parsed`, so loading does not parse them again, and hashed into `digests`.
    static func projectName(
        _ options: CompileOptions, sources: EnvironmentSources, files: [String], directory: String,
        parsed: inout [String: YAMLNode], digests: InputDigests
    ) throws -> String {
        if let explicit = options.projectName ?? sources.projectName {
            guard ProjectName.isValid(explicit) else {
                throw CompileError(
                    "invalid project name '\(explicit)': use lowercase letters, digits, '_' and '-', starting with a letter or digit",
                    at: nil)
            }
            return explicit
        }
        var fromFiles: String?
        for file in files {
            let document =
                try parsed[file] ?? YAMLParser().parse(try digests.read(file, requestedAt: nil), file: file)
            parsed[file] = document
            guard let node = document["name"], let text = node.scalar?.text, !node.isNull else { continue }
            let variables = sources.variables
            do {
                let value = try VariableTemplate(lookup: { variables[$0] }).substitute(text)
                if !value.isEmpty { fromFiles = value }
            } catch {
                throw CompileError(error.message, at: node.location, path: "name")
            }
        }
        if let fromFiles {
            let normalized = ProjectName.fromDirectoryName(fromFiles)
            if !normalized.isEmpty { return normalized }
        }
        return ProjectName.fromDirectoryName(FilePaths.baseName(directory))
    }

    /// The model as `docker compose config --format json` prints it: extensions dropped except
    /// top-level ones, `models` left out, every `$` written `$$` so the output loads again. A raw
    /// model (`--no-interpolate`) is printed as it is, `${…}` included.
    public var configJSON: JSONValue {
        if isRaw { return ConfigJSON.value(model, escapingDollars: false) }
        var shaped = ShapeApplier(keepExtensions: false).apply(.project, model) ?? model
        shaped.remove("models")
        for pair in model.mapping ?? [] where pair.key.hasPrefix("x-") { shaped.set(pair.key, pair.value) }
        return ConfigJSON.value(shaped, escapingDollars: true)
    }
}

extension ComposeModel {
    /// The model as JSON with its `x-` extensions.
    public var modelJSON: JSONValue { ConfigJSON.value(model, escapingDollars: false) }
}
