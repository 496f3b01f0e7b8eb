import Plan

/// Finds, reads and prepares the compose files of a project: the first stages of the pipeline
/// (load → interpolate → merge → normalize). Validation and translation follow in `Compiler`.
public enum ComposeLoader {
    /// File names docker compose looks for, in its order of preference.
    static let defaultFileNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]

    /// Loads the project the options describe.
    public static func load(_ options: CompileOptions) throws -> ComposeProject {
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
        return ComposeProject(
            name: loaded.name, projectDirectory: loaded.projectDirectory, model: normalized, sourceFiles: sourceFiles,
            warnings: loaded.warnings)
    }

    /// The compose files in load order, absolute.
    static func composeFiles(_ options: CompileOptions) throws -> [String] {
        if !options.files.isEmpty {
            return try options.files.map { file in
                let path = FilePaths.absolute(file, relativeTo: options.workingDirectory)
                guard FilePaths.exists(path) else { throw CompileError("compose file \(path) does not exist", at: nil) }
                return path
            }
        }
        var directory =
            options.projectDirectory.map { FilePaths.absolute($0, relativeTo: options.workingDirectory) }
            ?? FilePaths.absolute(".", relativeTo: options.workingDirectory)
        // Like docker compose, look in parent directories when the working directory has no compose file.
        while true {
            for name in defaultFileNames {
                let candidate = directory + (directory == "/" ? "" : "/") + name
                if FilePaths.exists(candidate) { return [candidate] }
            }
            if directory == "/" { return [] }
            directory = FilePaths.directory(of: directory)
        }
    }

    /// `-p`, else the top-level `name:`, else the project directory's name.
    static func projectName(_ options: CompileOptions, model: YAMLNode, projectDirectory: String) throws -> String {
        if let explicit = options.projectName {
            guard ProjectName.isValid(explicit) else {
                throw CompileError(
                    "project name '\(explicit)' must contain only lowercase letters, digits, '_' and '-', and start with a letter or digit",
                    at: nil)
            }
            return explicit
        }
        if let nameNode = model["name"], let scalar = nameNode.scalar {
            guard ProjectName.isValid(scalar.text) else {
                throw CompileError(
                    "project name '\(scalar.text)' must contain only lowercase letters, digits, '_' and '-', and start with a letter or digit",
                    at: nameNode.location, path: "name")
            }
            return scalar.text
        }
        let derived = ProjectName.fromDirectoryName(FilePaths.baseName(projectDirectory))
        guard !derived.isEmpty else {
            throw CompileError(
                "cannot derive a project name from directory \(projectDirectory); use -p or a top-level name:", at: nil)
        }
        return derived
    }
}
