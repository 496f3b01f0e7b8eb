import Plan

/// Finds, reads and prepares the compose files of a project: the first stages of the pipeline
/// (load → interpolate → merge → normalize). Validation and translation follow in `Compiler`.
public enum ComposeLoader {
    /// File names docker compose looks for, in its order of preference.
    static let defaultFileNames = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]

    /// Loads the project the options describe.
    public static func load(_ options: CompileOptions) throws -> ComposeProject {
        let files = try composeFiles(options)
        guard let firstFile = files.first else {
            throw CompileError(
                "no compose file found in \(options.workingDirectory) (looked for \(defaultFileNames.joined(separator: ", ")))",
                at: nil)
        }
        let projectDirectory =
            options.projectDirectory.map {
                FilePaths.absolute($0, relativeTo: options.workingDirectory)
            } ?? FilePaths.directory(of: firstFile)

        var sourceFiles: [PlanSourceFile] = []
        var documents: [YAMLNode] = []
        for file in files {
            let bytes = try FilePaths.read(file, requestedAt: nil)
            sourceFiles.append(PlanSourceFile(path: file, sha256: SHA256.hexDigest(bytes)))
            let document = try YAMLParser().parse(bytes, file: file)
            guard document.mapping != nil else {
                if document.isNull {
                    throw CompileError("the compose file is empty", at: document.location)
                }
                throw CompileError("a compose file must be a mapping, not \(document.kindName)", at: document.location)
            }
            documents.append(document)
        }
        var model = documents[0]
        for overlay in documents.dropFirst() {
            model = ComposeMerger.merge(model, overlay)
        }
        let name = try projectName(options, model: model, projectDirectory: projectDirectory)
        let normalized = try ComposeNormalizer(projectDirectory: projectDirectory, environment: options.environment)
            .normalize(model, projectName: name)
        return ComposeProject(
            name: name, projectDirectory: projectDirectory, model: normalized, sourceFiles: sourceFiles)
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
