import Plan

/// The compile pipeline, stage by stage, each with the folder that holds it and the type it hands on:
///
/// 1. Load/ — discover the compose files and env files, parse YAML: `YAMLNode` per file.
/// 2. Interpolate/ — `${…}` in every value: `YAMLNode`.
/// 3. Project/ — `include`, `extends`, then merge file over file (Merge/, with `!reset` and
///    `!override`), check the merged tree against the compose specification (Validate/) and
///    write long syntax (Canonical/); profiles, `env_file`, unused resources: the merged
///    `ComposeModel` (ComposeModel.load runs stages 1 to 3), which `compose-compile config` prints.
/// 4. Load/ComposeLoader — the model with the digest of every file read: `LoadedProject`.
/// 5. Decode/ — every value typed, with its position: `ComposeProject` (Model/).
/// 6. Translate/ — the typed model → `Plan`, with warnings for what Incus cannot express.
/// 7. Emit/ — the plan as deterministic JSON (and `config` as YAML or JSON), written by the
///    command (compose-compile writes a plan in pieces, as it goes).
///
/// docs/architecture.md says where a new compose key or a new Incus capability goes.
public enum Compiler {
    /// Compiles the project the options describe into a plan. Throws `CompileError` for bad input;
    /// nothing is written by this function.
    public static func compile(_ options: CompileOptions) throws -> (plan: Plan, warnings: [CompileWarning]) {
        let loaded = try ComposeLoader.load(options)
        let project = try ProjectDecoder.decode(loaded)
        return try PlanTranslator.translate(project)
    }
}
