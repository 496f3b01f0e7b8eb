/// State shared while translating one project: its name, pool, and the warnings collected so far.
struct TranslationContext {
    let projectName: String
    /// The storage pool for root disks and volumes unless a volume names its own.
    let storagePool: String
    private(set) var warnings: [CompileWarning] = []

    init(projectName: String, storagePool: String) {
        self.projectName = projectName
        self.storagePool = storagePool
    }

    mutating func warn(_ code: String, _ message: String, at location: SourceLocation?) {
        warnings.append(CompileWarning(code: code, message: message, at: location))
    }

    /// This context with no warnings yet, for a part of the work done apart.
    var withoutWarnings: TranslationContext {
        TranslationContext(projectName: projectName, storagePool: storagePool)
    }

    /// Warnings another context collected, after this one's: how work split over threads is
    /// joined again in input order.
    mutating func append(warningsOf other: TranslationContext) {
        warnings += other.warnings
    }
}

/// Hands out device names unique within one instance: `base`, then `base-2`, `base-3` …
struct DeviceNamer {
    /// The names given so far. An instance has a handful of devices: a short list is searched,
    /// which costs less than hashing each name (and copying a set for each replica); past
    /// `longList` names they are hashed.
    private var used: [String] = []
    private var usedSet: Set<String>?
    private static let longList = 16

    init(reserved: [String] = []) {
        for name in reserved { record(name) }
    }

    mutating func name(_ base: String) -> String {
        let cleaned = IncusNames.volumeName(base)
        var candidate = cleaned
        var counter = 2
        while isUsed(candidate) {
            candidate = "\(cleaned)-\(counter)"
            counter += 1
        }
        record(candidate)
        return candidate
    }

    private func isUsed(_ name: String) -> Bool {
        usedSet?.contains(name) ?? used.contains(name)
    }

    private mutating func record(_ name: String) {
        if usedSet != nil {
            usedSet?.insert(name)
            return
        }
        used.append(name)
        if used.count > Self.longList { usedSet = Set(used) }
    }
}
