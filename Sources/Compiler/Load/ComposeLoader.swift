import Plan

/// The load stage of compiling: the project `ComposeModel` loads (discovery, parsing,
/// interpolation, merging, validation, long syntax), with the digest of every file it read.
public enum ComposeLoader {
    /// Loads the project the options describe.
    public static func load(_ options: CompileOptions) throws -> LoadedProject {
        let loaded = try ComposeModel.load(options, for: .compile)
        // The compose files were hashed in the background since they were parsed; env files are
        // read and hashed here.
        var sourceFiles: [PlanSourceFile] = []
        var seen = Set<String>()
        for file in loaded.filesRead where seen.insert(file).inserted {
            sourceFiles.append(PlanSourceFile(path: file, sha256: try loaded.inputDigests.hexDigest(of: file)))
        }
        StageTimings.mark("sha256")
        return LoadedProject(
            name: loaded.name, projectDirectory: loaded.projectDirectory, model: loaded.model, sourceFiles: sourceFiles,
            warnings: loaded.warnings)
    }
}
