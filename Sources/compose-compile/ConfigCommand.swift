import ArgumentParser
import Compiler
import FoundationEssentials
import Plan

/// `compose-compile config`: the normalized compose model as JSON, like `docker compose config
/// --format json` (sorted keys, `x-` extensions left out unless asked for).
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the loaded, merged and normalized compose model as JSON.")

    @OptionGroup var project: ProjectOptions

    @Flag(name: .customLong("extensions"), help: "Keep x- extension keys (docker compose drops them in JSON).")
    var extensions = false

    func run() throws {
        let model: ComposeModel
        do {
            model = try ComposeModel.load(project.compileOptions())
        } catch {
            exitWithCompileError(error)
        }
        for warning in model.warnings {
            StandardStreams.writeError("\(warning)\n")
        }
        let value = extensions ? model.modelJSON : model.configJSON
        guard StandardStreams.writeOutput(Array((JanssonCoding.encode(value) + "\n").utf8)) else {
            exitWithCompileError("cannot write to standard output")
        }
    }
}
