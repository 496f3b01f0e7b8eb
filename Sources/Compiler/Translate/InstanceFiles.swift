import Plan

/// Service `secrets:` and `configs:` → files apply writes into each instance.
///
/// Only where the content comes from goes into the plan (a host path or an environment variable's
/// name), never the content of a secret, so plans can be reviewed and committed safely.
enum InstanceFiles {
    static func translate(
        _ service: ComposeService, definitions: [FileReference.Kind: [String: FileDefinition]],
        context: inout TranslationContext
    ) throws -> [String: PlanFile] {
        var files: [String: PlanFile] = [:]
        for reference in service.fileReferences {
            let kind = reference.kind
            let source = reference.source
            guard let definition = definitions[kind]?[source] else {
                throw CompileError(
                    "service uses \(kind.singular) '\(source)', which is not declared under the top-level \(kind.rawValue):",
                    at: reference.location, path: reference.path)
            }
            if definition.external {
                context.warn(
                    "external-\(kind.singular)",
                    "external \(kind.rawValue) live in a swarm; Incus has none, so '\(source)' is not provided",
                    at: reference.location)
                continue
            }
            guard let origin = definition.origin else {
                throw CompileError(
                    "\(kind.singular) '\(source)' needs file:, environment:\(kind == .configs ? " or content:" : "")",
                    at: definition.location, path: "\(kind.rawValue).\(source)")
            }
            let target: String
            if kind == .secrets {
                let name = reference.target ?? source
                target = name.hasPrefix("/") ? name : "/run/secrets/" + name
            } else {
                let name = reference.target ?? "/" + source
                target = name.hasPrefix("/") ? name : "/" + name
            }
            guard files[target] == nil else {
                throw CompileError(
                    "two secrets or configs are written to \(target)", at: reference.location, path: reference.path)
            }
            files[target] = PlanFile(
                kind: origin.kind, source: origin.source, uid: reference.uid, gid: reference.gid, mode: reference.mode)
        }
        return files
    }
}
