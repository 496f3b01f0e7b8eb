import ArgumentParser
import Compiler
import FoundationEssentials
import Plan

/// `compose-compile config`: the normalized compose model, like `docker compose config` (YAML by
/// default, `--format json` with sorted keys), or one of its listings (`--services`, …).
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the loaded, merged and normalized compose model (YAML, or JSON), or a listing of it.",
        discussion: """
            Like docker compose config, one listing switch runs, the first of: --services, --volumes, \
            --networks, --hash, --profiles, --images, --variables, --environment. Where docker's order \
            is random (a Go map), listings here are sorted.
            """)

    @OptionGroup var project: ProjectOptions

    @Flag(
        name: [.customShort("q"), .customLong("quiet")],
        help: "Only check the project: print nothing, exit 1 on an error.")
    var quiet = false

    @Flag(help: "Print the active services, dependencies first.")
    var services = false

    @Flag(help: "Print the volume names.")
    var volumes = false

    @Flag(help: "Print the network names.")
    var networks = false

    @Option(help: "Print the digest of the services matching these comma-separated globs (\"*\": all).")
    var hash: String?

    @Flag(help: "Print the profiles of all services.")
    var profiles = false

    @Flag(help: "Print each service's image (<project>-<service> for build-only ones).")
    var images = false

    @Flag(help: "Print the variables the compose files use, with their defaults.")
    var variables = false

    @Flag(help: "Print the interpolation environment.")
    var environment = false

    @Option(help: "yaml or json.")
    var format = "yaml"

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write to this file instead of standard output.")
    var output: String?

    @Flag(help: "Print the merged files as written: ${...} kept, nothing normalized.")
    var noInterpolate = false

    @Flag(help: "Leave out compose's normalization (default network, resource names, implied dependencies).")
    var noNormalize = false

    @Flag(name: .customLong("extensions"), help: "Keep x- extension keys of services (docker compose drops them).")
    var extensions = false

    func validate() throws {
        guard ["yaml", "json"].contains(format) else {
            throw ValidationError("unsupported format \"\(format)\" (yaml or json)")
        }
    }

    func run() throws {
        var options = project.compileOptions()
        options.interpolate = !noInterpolate
        options.normalize = !noNormalize
        // --profiles lists the profiles of every service: the model is loaded with all of them enabled.
        if profiles && !(services || volumes || networks || hash != nil) { options.profiles = ["*"] }
        if variables && !(services || volumes || networks || hash != nil || profiles || images) {
            // Read before interpolation: a required variable that is unset is listed, not an error.
            do {
                let files = try ComposeModel.composeFiles(of: options)
                write(
                    VariableUsage.table(
                        try VariableUsage.scan(files: files, workingDirectory: options.workingDirectory)))
            } catch {
                exitWithCompileError(error)
            }
            return
        }
        let model: ComposeModel
        do {
            model = try ComposeModel.load(options)
        } catch {
            exitWithCompileError(error)
        }
        for warning in model.warnings {
            StandardStreams.writeError("\(warning)\n")
        }
        if let listing = try listing(of: model, options: options) {
            write(listing.map { $0 + "\n" }.joined())
            return
        }
        if quiet { return }
        write(render(model))
    }

    /// The lines of the first listing switch given, in docker's precedence; `nil` for none.
    private func listing(of model: ComposeModel, options: CompileOptions) throws -> [String]? {
        do {
            if services { return ConfigListings.services(model) }
            if volumes { return ConfigListings.keys(of: "volumes", in: model) }
            if networks { return ConfigListings.keys(of: "networks", in: model) }
            if let hash { return try ConfigListings.hashes(model, patterns: hash) }
            if profiles { return ConfigListings.profiles(model) }
            if images { return ConfigListings.images(model) }
            if environment {
                return quiet ? [] : ConfigListings.environment(model, workingDirectory: options.workingDirectory)
            }
        } catch {
            exitWithCompileError(error)
        }
        return nil
    }

    private func render(_ model: ComposeModel) -> String {
        let value = extensions ? model.modelJSON : model.configJSON
        if format == "json" { return JanssonCoding.encode(value) + "\n" }
        // The raw model is printed with sorted keys, as docker prints it.
        let emitter = model.isRaw ? YAMLEmitter() : YAMLEmitter.config
        guard let text = emitter.emit(Self.withoutUnsetCommands(value)) else {
            exitWithCompileError("cannot write the model as YAML")
        }
        return text
    }

    /// docker's JSON always has `command` and `entrypoint` (null when unset); its YAML leaves them out.
    private static func withoutUnsetCommands(_ value: JSONValue) -> JSONValue {
        guard case .object(var project) = value, case .object(var services) = project["services"] ?? .null else {
            return value
        }
        for (name, service) in services {
            guard case .object(var fields) = service else { continue }
            for key in ["command", "entrypoint"] where fields[key] == .null { fields[key] = nil }
            services[name] = .object(fields)
        }
        project["services"] = .object(services)
        return .object(project)
    }

    private func write(_ text: String) {
        if let output {
            do {
                try PlanFileWriter.write([Array(text.utf8)], to: output, mode: 0o644)
            } catch {
                exitWithCompileError(error)
            }
            return
        }
        guard StandardStreams.writeOutput(Array(text.utf8)) else {
            exitWithCompileError("cannot write to standard output")
        }
    }
}
