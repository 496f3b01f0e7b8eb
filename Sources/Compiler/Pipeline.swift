import Plan

/// The compile pipeline, stage by stage, each with the folder that holds it and the type it hands on:
///
/// 1. Load/ — discover the compose files and env files, parse YAML: `YAMLNode` per file.
/// 2. Interpolate/ — `${…}` in every value: `YAMLNode`.
/// 3. Project/ — `include`, `extends`, then merge file over file (Merge/, with `!reset` and
///    `!override`), check the merged tree against the compose specification (Validate/) and
///    write long syntax (Canonical/); profiles, `env_file`, unused resources: the merged
///    `ComposeModel`, which `compose-compile config` prints.
/// 4. Normalize/ — defaults translation relies on (the `default` network, resource names, list
///    forms as mappings): `NormalizedProject`.
/// 5. Decode/ — every value typed, with its position: `ComposeProject` (Model/).
/// 6. Translate/ — the typed model → `Plan`, with warnings for what Incus cannot express.
/// 7. Emit/ — the plan as deterministic JSON (and `config` as YAML or JSON).
///
/// docs/architecture.md says where a new compose key or a new Incus capability goes.
public enum Compiler {
    /// Compiles the project the options describe into a plan. Throws `CompileError` for bad input;
    /// nothing is written by this function.
    public static func compile(_ options: CompileOptions) throws -> (plan: Plan, warnings: [CompileWarning]) {
        let normalized = try ComposeLoader.load(options)
        let project = try ProjectDecoder.decode(normalized)
        return try PlanTranslator.translate(project)
    }
}
