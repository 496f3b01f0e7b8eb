import Plan

/// The whole compile pipeline: load → interpolate → merge → normalize → validate → translate.
public enum Compiler {
    /// Compiles the project the options describe into a plan. Throws `CompileError` for bad input;
    /// nothing is written by this function.
    public static func compile(_ options: CompileOptions) throws -> (plan: Plan, warnings: [CompileWarning]) {
        let project = try ComposeLoader.load(options)
        return try PlanTranslator.translate(project)
    }
}
