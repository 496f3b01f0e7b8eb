import FoundationEssentials
import Glibc

/// Reads one or more dotenv files into one set of variables, later files overriding earlier ones.
///
/// Interpolation inside each file sees `base` (the process environment) first, then the variables
/// read so far, which is how docker compose reads `--env-file` lists and `include` env files.
public enum DotEnvFiles {
    /// The variables of `paths` in order. `requestedAt` is where the files were asked for, for the
    /// error of a missing file.
    public static func read(
        _ paths: [String], base: [String: String], requestedAt location: SourceLocation? = nil
    ) throws -> [String: String] {
        var variables: [String: String] = [:]
        var order: [String] = []
        for path in paths {
            guard let mode = FilePaths.mode(of: path) else {
                throw CompileError("env file \(path) not found", at: location)
            }
            guard mode & S_IFMT != S_IFDIR else { throw CompileError("env file \(path) is a directory", at: location) }
            let text = try readText(path, requestedAt: location)
            try DotEnvParser(file: path, lookup: { base[$0] }).parse(text, into: &variables, order: &order)
        }
        return variables
    }

    /// The text of a file, failing with a positioned error when it is not UTF-8.
    static func readText(_ path: String, requestedAt location: SourceLocation?) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CompileError("cannot read env file \(path)", at: location)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CompileError("env file is not valid UTF-8", at: SourceLocation(file: path, line: 1, column: 1))
        }
        return text
    }
}
