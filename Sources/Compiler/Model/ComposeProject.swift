import Plan

/// A compose project as typed values: the output of decoding and the only input of translation.
///
/// Every value is checked for its type and form when it is decoded; translation decides only what
/// each one means for Incus. Positions are kept where an error or warning can point at a value.
public struct ComposeProject: Sendable {
    /// The normalized project name (`[a-z0-9][a-z0-9_-]*`).
    public var name: String
    /// Absolute project directory; relative paths in the model are already resolved against it.
    public var projectDirectory: String
    /// Every file read, in load order, with its digest.
    public var sourceFiles: [PlanSourceFile]
    /// Warnings raised while loading.
    public var warnings: [CompileWarning]
    /// The top-level `x-incus` block.
    public var incus: IncusBlock
    /// `x-incus.storage-pool`: the pool of root disks and volumes that name none.
    public var storagePool: String
    /// `x-incus.target`: the cluster member or `@group` of the whole project.
    public var target: Located<String>?
    /// The services, sorted by name.
    public var services: [ComposeService]
    /// The top-level networks, in the order written.
    public var networks: [ComposeNetwork]
    /// The top-level volumes, in the order written.
    public var volumes: [ComposeVolume]
    /// The top-level secrets and configs by name.
    public var fileDefinitions: [FileReference.Kind: [String: FileDefinition]]
}

/// The Incus config of an `x-incus:` block: its dotted keys, passed through verbatim. (Its undotted
/// keys are options of this tool, decoded into the fields of what the block is on.)
public struct IncusBlock: Sendable {
    /// Incus config keys (with a dot) and their values as strings.
    public var config: [String: String] = [:]
    /// Where the block starts; `nil` when there is none.
    public var location: SourceLocation?
}
