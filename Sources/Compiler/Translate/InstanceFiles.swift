import Plan

/// Service `secrets:` and `configs:` → files apply writes into each instance.
///
/// Only where the content comes from goes into the plan (a host path or an environment variable's
/// name), never the content of a secret, so plans can be reviewed and committed safely.
enum InstanceFiles {
    static func translate(
        _ service: YAMLNode, path: String, model: YAMLNode, projectDirectory: String,
        context: inout TranslationContext
    ) throws -> [String: PlanFile] {
        var files: [String: PlanFile] = [:]
        for kind in ["secrets", "configs"] {
            guard let references = service[kind], !references.isNull else { continue }
            for (index, reference) in try references.expectSequence("\(path).\(kind)").enumerated() {
                let referencePath = "\(path).\(kind)[\(index)]"
                let source: String
                if reference.mapping != nil {
                    guard let sourceNode = reference["source"] else {
                        throw CompileError(
                            "a \(kind.dropLast()) reference needs 'source'", at: reference.location, path: referencePath
                        )
                    }
                    source = try sourceNode.expectScalarText(referencePath + ".source")
                } else {
                    source = try reference.expectScalarText(referencePath)
                }
                guard let definition = model[kind]?[source] else {
                    throw CompileError(
                        "service uses \(kind.dropLast()) '\(source)', which is not declared under the top-level \(kind):",
                        at: reference.location, path: referencePath)
                }
                let definitionPath = "\(kind).\(source)"
                if let external = definition["external"], try external.expectBool(definitionPath + ".external") {
                    context.warn(
                        "external-\(kind.dropLast())",
                        "external \(kind) live in a swarm; Incus has none, so '\(source)' is not provided",
                        at: reference.location)
                    continue
                }
                let origin: (kind: String, source: String)
                if let fileNode = definition["file"] {
                    let file = try fileNode.expectScalarText(definitionPath + ".file")
                    origin = ("file", FilePaths.absolute(file, relativeTo: projectDirectory))
                } else if let variableNode = definition["environment"] {
                    origin = ("environment", try variableNode.expectScalarText(definitionPath + ".environment"))
                } else if kind == "configs", let contentNode = definition["content"] {
                    origin = ("content", try contentNode.expectScalarText(definitionPath + ".content"))
                } else {
                    throw CompileError(
                        "\(kind.dropLast()) '\(source)' needs file:, environment:\(kind == "configs" ? " or content:" : "")",
                        at: definition.location, path: definitionPath)
                }
                let written = try reference["target"].map { try $0.expectScalarText(referencePath + ".target") }
                let target: String
                if kind == "secrets" {
                    let name = written ?? source
                    target = name.hasPrefix("/") ? name : "/run/secrets/" + name
                } else {
                    let name = written ?? "/" + source
                    target = name.hasPrefix("/") ? name : "/" + name
                }
                let uid = try reference["uid"].map { try $0.expectScalarText(referencePath + ".uid") } ?? "0"
                let gid = try reference["gid"].map { try $0.expectScalarText(referencePath + ".gid") } ?? "0"
                let mode = try reference["mode"].map { try fileMode($0, path: referencePath + ".mode") } ?? "0444"
                guard files[target] == nil else {
                    throw CompileError(
                        "two secrets or configs are written to \(target)", at: reference.location, path: referencePath)
                }
                files[target] = PlanFile(kind: origin.kind, source: origin.source, uid: uid, gid: gid, mode: mode)
            }
        }
        return files
    }

    /// A file mode as four octal digits. `0440` is octal as in docker compose; a plain number such as
    /// `288` (what `docker compose config` prints) is decimal.
    static func fileMode(_ node: YAMLNode, path: String) throws -> String {
        let text = try node.expectScalarText(path)
        let value: Int?
        if text.hasPrefix("0o") {
            value = Int(text.dropFirst(2), radix: 8)
        } else if text.hasPrefix("0") {
            value = Int(text, radix: 8)
        } else {
            value = Int(text)
        }
        guard let value, (0...0o7777).contains(value) else {
            throw CompileError(
                "invalid file mode '\(text)': expected an octal mode such as 0440", at: node.location, path: path)
        }
        let octal = String(value, radix: 8)
        return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
    }
}
