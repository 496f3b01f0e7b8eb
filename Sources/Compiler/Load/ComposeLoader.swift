import Plan

/// Finds, reads and prepares the compose files of a project: the first stages of the pipeline
/// (load → interpolate → merge → normalize). Validation and translation follow in `Compiler`.
public enum ComposeLoader {
    /// Loads the project the options describe.
    public static func load(_ options: CompileOptions) throws -> NormalizedProject {
        // Discovery, env files, interpolation, merging, extends, include, profiles and compose-go
        // normalization (see ComposeModel); the normalizer below then checks the service fields
        // translation relies on.
        var loaded = try ComposeModel.load(options, for: .compile)
        // The compose files were hashed in the background since they were parsed; env files are
        // read and hashed here.
        var sourceFiles: [PlanSourceFile] = []
        var seen = Set<String>()
        for file in loaded.filesRead where seen.insert(file).inserted {
            sourceFiles.append(PlanSourceFile(path: file, sha256: try loaded.inputDigests.hexDigest(of: file)))
        }
        StageTimings.mark("sha256")
        // Normalized in place, the loaded model having let go of the tree.
        var normalized = loaded.model
        loaded.model = YAMLNode.mapping([], at: normalized.location)
        try ComposeNormalizer(projectDirectory: loaded.projectDirectory, environment: loaded.environment)
            .normalize(&normalized, projectName: loaded.name)
        StageTimings.mark("normalize")
        return NormalizedProject(
            name: loaded.name, projectDirectory: loaded.projectDirectory, model: normalized, sourceFiles: sourceFiles,
            warnings: loaded.warnings)
    }
}
