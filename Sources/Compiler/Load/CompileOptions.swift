/// What the user asked for on the command line and in the environment.
public struct CompileOptions: Sendable {
    /// `-f` files in order; empty means discover them in the working directory.
    public var files: [String] = []
    /// `-p`/`--project-name`.
    public var projectName: String?
    /// `--project-directory`; else the directory of the first compose file.
    public var projectDirectory: String?
    /// `--env-file`, repeatable; else the project directory's `.env`.
    public var environmentFiles: [String] = []
    /// `--profile`, repeatable.
    public var profiles: [String] = []
    /// The process environment, passed in so tests control it.
    public var environment: [String: String] = [:]
    /// `config --no-interpolate`: the merged files as written, `${…}` kept, nothing normalized.
    public var interpolate = true
    /// `config --no-normalize`: no compose-go normalization (default network, resource names,
    /// implied dependencies, build defaults).
    public var normalize = true
    /// Where relative `-f` paths and discovery start.
    public var workingDirectory: String

    public init(workingDirectory: String) {
        self.workingDirectory = workingDirectory
    }
}
