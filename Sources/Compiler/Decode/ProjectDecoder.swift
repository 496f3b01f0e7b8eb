import Plan

/// The decoding stage: the loaded model → the typed `ComposeProject` translation reads.
public enum ProjectDecoder {
    /// Undotted top-level x-incus options.
    static let projectOptions = ["storage-pool", "target"]

    /// Decodes `project`; its tree is then freed on another core (`project.model` is left empty),
    /// since nothing after this stage reads it.
    public static func decode(_ project: inout LoadedProject) throws -> ComposeProject {
        let decoded = try decode(project)
        BackgroundRelease.release(&project.model)
        return decoded
    }

    public static func decode(_ project: LoadedProject) throws -> ComposeProject {
        let model = project.model
        let incus = try IncusBlockDecoder.read(from: model, path: "", allowedOptions: projectOptions)
        let pool =
            try incus.options["storage-pool"].map { try $0.expectScalarText("x-incus.storage-pool") } ?? "default"
        let pairs = (model["services"]?.mapping ?? []).sorted { $0.key < $1.key }
        // Services decode independently, so they are spread over the cores; the first error in
        // service order is the one reported.
        let decoded = ParallelWork.map(pairs) { pair in
            Result { try ServiceDecoder(name: pair.key, node: pair.value).decode(keyLocation: pair.keyLocation) }
        }
        var fileDefinitions: [FileReference.Kind: [String: FileDefinition]] = [:]
        for kind in FileReference.Kind.allCases {
            fileDefinitions[kind] = try definitions(
                model[kind.rawValue], kind: kind, directory: project.projectDirectory)
        }
        defer { StageTimings.mark("decode") }
        return ComposeProject(
            name: project.name, projectDirectory: project.projectDirectory, sourceFiles: project.sourceFiles,
            warnings: project.warnings + jobWarnings(model), incus: incus.block, storagePool: pool,
            target: try incus.options["target"].map {
                Located(try $0.expectScalarText("x-incus.target"), at: $0.location)
            },
            services: try decoded.map { try $0.get() },
            networks: try (model["networks"]?.mapping ?? []).map(TopLevelDecoder.network),
            volumes: try (model["volumes"]?.mapping ?? []).map(TopLevelDecoder.volume),
            fileDefinitions: fileDefinitions)
    }

    /// Jobs (containers that run on a trigger) are valid compose, but apply deploys services only.
    private static func jobWarnings(_ model: YAMLNode) -> [CompileWarning] {
        (model["jobs"]?.mapping ?? []).map { job in
            CompileWarning(
                code: "unsupported-key",
                message: "job '\(job.key)' is not deployed: compose-apply deploys services, not jobs and their"
                    + " triggers",
                at: job.keyLocation)
        }
    }

    /// The top-level `secrets` or `configs`.
    private static func definitions(
        _ node: YAMLNode?, kind: FileReference.Kind, directory: String
    ) throws -> [String: FileDefinition] {
        var result: [String: FileDefinition] = [:]
        for pair in node?.mapping ?? [] {
            let definition = pair.value
            let path = "\(kind.rawValue).\(pair.key)"
            var origin: (kind: String, source: String)?
            if let fileNode = definition["file"] {
                let file = try fileNode.expectScalarText(path + ".file")
                origin = ("file", FilePaths.absolute(file, relativeTo: directory))
            } else if let variableNode = definition["environment"] {
                origin = ("environment", try variableNode.expectScalarText(path + ".environment"))
            } else if kind == .configs, let contentNode = definition["content"] {
                origin = ("content", try contentNode.expectScalarText(path + ".content"))
            }
            result[pair.key] = FileDefinition(
                location: definition.location,
                external: try definition["external"].map { try $0.expectBool(path + ".external") } ?? false,
                origin: origin)
        }
        return result
    }
}
