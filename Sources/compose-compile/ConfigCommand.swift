import ArgumentParser
import Compiler
import Foundation
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
            FileHandle.standardError.write(Data("\(warning)\n".utf8))
        }
        let value = extensions ? model.modelJSON : model.configJSON
        FileHandle.standardOutput.write(Data((JanssonCoding.encode(value) + "\n").utf8))
    }
}
