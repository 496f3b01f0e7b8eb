import FoundationEssentials

/// The variables a compose project is interpolated with, and the `COMPOSE_*` settings read from them.
///
/// Precedence is docker compose's: the process environment wins over the project's `.env` file (or
/// the `--env-file` files, or `COMPOSE_ENV_FILES`, which replace it). `COMPOSE_FILE`,
/// `COMPOSE_PROJECT_NAME`, `COMPOSE_PROFILES` and `COMPOSE_PATH_SEPARATOR` are read from the merged
/// variables, so a `.env` file may set them too.
public struct EnvironmentSources: Sendable {
    /// Every variable visible to interpolation.
    public var variables: [String: String]
    /// The dotenv files that were read, in order.
    public var envFiles: [String]

    /// Reads the env files that apply. `directory` is where the default `.env` is looked for;
    /// relative `envFiles` resolve against `workingDirectory`.
    public init(
        process: [String: String], envFiles explicit: [String], directory: String, workingDirectory: String
    ) throws {
        var files = explicit
        if files.isEmpty, let list = process["COMPOSE_ENV_FILES"], !list.isEmpty {
            files = list.split(separator: ",").map(String.init)
        }
        files = files.map { FilePaths.absolute($0, relativeTo: workingDirectory) }
        if files.isEmpty && !Self.isTrue(process["COMPOSE_DISABLE_ENV_FILE"]) {
            let dotEnv = FilePaths.absolute(".env", relativeTo: directory)
            if FilePaths.isFile(dotEnv) { files = [dotEnv] }
        }
        let fromFiles = try DotEnvFiles.read(files, base: process)
        variables = fromFiles.merging(process) { _, processValue in processValue }
        envFiles = files
    }

    public init(variables: [String: String]) {
        self.variables = variables
        self.envFiles = []
    }

    /// `COMPOSE_FILE` split on `COMPOSE_PATH_SEPARATOR` (default `:`).
    public var composeFiles: [String] {
        guard let list = variables["COMPOSE_FILE"], !list.isEmpty else { return [] }
        let separator = variables["COMPOSE_PATH_SEPARATOR"].flatMap { $0.isEmpty ? nil : $0 } ?? ":"
        return list.components(separatedBy: separator).filter { !$0.isEmpty }
    }

    /// `COMPOSE_PROJECT_NAME` when set and not empty.
    public var projectName: String? {
        guard let name = variables["COMPOSE_PROJECT_NAME"], !name.isEmpty else { return nil }
        return name
    }

    /// `COMPOSE_PROFILES`, comma-separated, blanks trimmed.
    public var profiles: [String] {
        guard let list = variables["COMPOSE_PROFILES"] else { return [] }
        return list.split(separator: ",").map { $0.trimmingHorizontalWhitespace() }.filter { !$0.isEmpty }
    }

    static func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["1", "t", "true", "TRUE", "True"].contains(value)
    }
}
