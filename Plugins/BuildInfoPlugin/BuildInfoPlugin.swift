import PackagePlugin

/// Writes BuildInfo.swift (the VERSION file's version and the git commit) before every build, so
/// `--version` says what a binary was built from.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectory
        return [
            .prebuildCommand(
                displayName: "Writing the version and commit of this build",
                executable: Path("/bin/sh"),
                arguments: [
                    context.package.directory.appending(["scripts", "build-info.sh"]).string,
                    context.package.directory.string, output.string,
                ],
                outputFilesDirectory: output)
        ]
    }
}
