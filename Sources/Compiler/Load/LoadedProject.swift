import Plan

/// A compose project loaded for compiling: the model `config` prints (merged, validated, in long
/// syntax) with the digests of every file read; the input of decoding.
public struct LoadedProject: Sendable {
    /// The normalized project name (`[a-z0-9][a-z0-9_-]*`).
    public var name: String
    /// Absolute project directory; relative paths in the model are already resolved against it.
    public var projectDirectory: String
    /// The model in the long-syntax shape of `docker compose config`, with positions.
    public var model: YAMLNode
    /// Every file read, in load order, with its digest.
    public var sourceFiles: [PlanSourceFile]
    /// Warnings raised while loading.
    public var warnings: [CompileWarning]

    public init(
        name: String, projectDirectory: String, model: YAMLNode, sourceFiles: [PlanSourceFile],
        warnings: [CompileWarning] = []
    ) {
        self.name = name
        self.projectDirectory = projectDirectory
        self.model = model
        self.sourceFiles = sourceFiles
        self.warnings = warnings
    }
}
