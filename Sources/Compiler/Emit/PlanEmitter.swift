import Plan

/// The emit stage: a plan as the exact bytes `compose-compile` prints.
public enum PlanEmitter {
    /// Sorted keys, two-space indentation, one trailing newline: the same plan gives the same bytes.
    ///
    /// Written straight from the plan by `JSONWriter`, byte for byte what
    /// `JanssonCoding.encode(plan.jsonValue)` gives (which a key holding a NUL byte falls back to).
    public static func emit(_ plan: Plan) -> String {
        String(decoding: emitUTF8(plan), as: UTF8.self)
    }

    /// `emit` as UTF-8 bytes.
    public static func emitUTF8(_ plan: Plan) -> [UInt8] {
        let pieces = emitPieces(plan)
        return pieces.count == 1 ? pieces[0] : Array(pieces.joined())
    }

    /// `emit` as UTF-8 bytes in consecutive pieces, which `compose-compile` writes out one after
    /// another: a plan of several megabytes is never copied into one buffer (the instances are
    /// written in chunks on several cores, and each chunk is a piece).
    public static func emitPieces(_ plan: Plan) -> [[UInt8]] {
        var text = PlanText()
        do {
            try write(plan, to: &text)
        } catch {
            return [Array(JanssonCoding.encodeWithJansson(plan.jsonValue).utf8)]
        }
        text.writer.newline(0)
        text.pieces.append(text.writer.bytes)
        StageTimings.mark("emit")
        return text.pieces
    }

    /// The text written so far: finished pieces, then the writer of the current one.
    private struct PlanText {
        var pieces: [[UInt8]] = []
        var writer = JSONWriter(capacity: 4096)

        /// Ends the current piece with `pieces`, then starts a new one.
        mutating func append(_ finished: [[UInt8]]) {
            pieces.append(writer.bytes)
            pieces += finished
            writer = JSONWriter(capacity: 4096)
        }
    }

    // Members in byte order of their keys, as jansson's JSON_SORT_KEYS writes them.
    private static func write(_ plan: Plan, to text: inout PlanText) throws {
        text.writer.openObject()
        text.writer.member("format", first: true, depth: 0)
        text.writer.writeInteger(plan.format)
        text.writer.member("instances", depth: 0)
        try writeInstances(plan.instances, to: &text)
        try writeAfterInstances(plan, to: &text.writer)
        text.writer.member("warnings", depth: 0)
        try writeWarnings(plan.warnings, to: &text)
        text.writer.closeObject(depth: 0)
    }

    private static func writeAfterInstances(_ plan: Plan, to writer: inout JSONWriter) throws {
        writer.member("networks", depth: 0)
        try writer.writeObject(plan.networks, depth: 1) { writer, network, depth in
            try writeResource(
                composeName: network.composeName, config: network.config, description: network.description,
                external: network.external, lastKey: "type", lastValue: network.type, to: &writer, depth: depth)
        }
        writer.member("placeholders", depth: 0)
        try writer.writeObject(plan.placeholders, depth: 1) { writer, placeholder, depth in
            writer.openObject()
            if placeholder.isImageValue {
                writer.member("image", first: true, depth: depth)
                writer.writeString(placeholder.image)
                writer.member("pointers", depth: depth)
                writer.writeArray(placeholder.pointers, depth: depth + 1) { writer, pointer, _ in
                    writer.writeString(pointer)
                }
                writer.member("property", depth: depth)
                writer.writeString(placeholder.property)
                writer.closeObject(depth: depth)
                return
            }
            writer.member("device", first: true, depth: depth)
            writer.writeString(placeholder.device)
            writer.member("family", depth: depth)
            writer.writeString(placeholder.family)
            writer.member("instance", depth: depth)
            writer.writeString(placeholder.instance)
            writer.member("pointers", depth: depth)
            writer.writeArray(placeholder.pointers, depth: depth + 1) { writer, pointer, _ in
                writer.writeString(pointer)
            }
            writer.closeObject(depth: depth)
        }
        writer.member("project", depth: 0)
        writer.openObject()
        writer.member("config", first: true, depth: 1)
        try writer.writeStringMap(plan.project.config, depth: 2)
        writer.member("name", depth: 1)
        writer.writeString(plan.project.name)
        if let target = plan.project.target {
            writer.member("target", depth: 1)
            writer.writeString(target)
        }
        writer.closeObject(depth: 1)
        writer.member("source", depth: 0)
        writer.openObject()
        writer.member("files", first: true, depth: 1)
        writer.writeArray(plan.source.files, depth: 2) { writer, file, depth in
            writer.openObject()
            writer.member("path", first: true, depth: depth)
            writer.writeString(file.path)
            writer.member("sha256", depth: depth)
            writer.writeString(file.sha256)
            writer.closeObject(depth: depth)
        }
        writer.member("project_directory", depth: 1)
        writer.writeString(plan.source.projectDirectory)
        writer.closeObject(depth: 1)
        writer.member("volumes", depth: 0)
        try writer.writeObject(plan.volumes, depth: 1) { writer, volume, depth in
            try writeResource(
                composeName: volume.composeName, config: volume.config, description: volume.description,
                external: volume.external, lastKey: "pool", lastValue: volume.pool, to: &writer, depth: depth)
        }
    }

    /// The `warnings` array, what `writeArray(plan.warnings, depth: 1)` writes: a large project has
    /// one or more per service, so they are written in chunks on several cores, each a piece.
    private static func writeWarnings(_ warnings: [PlanWarning], to text: inout PlanText) throws {
        if warnings.isEmpty {
            text.writer.append("[]")
            return
        }
        let parts = try piecesInChunks(warnings, bytesPerItem: 256) { part, warning in
            write(warning, to: &part, depth: 2)
        }
        text.writer.bytes.append(UInt8(ascii: "["))
        text.append(parts)
        text.writer.newline(1)
        text.writer.bytes.append(UInt8(ascii: "]"))
    }

    /// The members or elements of an object or array at depth 1, written by `write` in chunks on
    /// several cores, each chunk's text a piece: every item after the first starts with its comma.
    private static func piecesInChunks<Item>(
        _ items: [Item], bytesPerItem: Int, _ write: (inout JSONWriter, Item) throws -> Void
    ) throws -> [[UInt8]] {
        try ParallelWork.mapChunks(items) { chunk -> [UInt8] in
            var part = JSONWriter(capacity: chunk.count * bytesPerItem)
            for index in chunk.indices {
                if index != items.startIndex { part.bytes.append(UInt8(ascii: ",")) }
                part.newline(2)
                try write(&part, chunk[index])
            }
            return part.bytes
        }
    }

    private static func write(_ warning: PlanWarning, to writer: inout JSONWriter, depth: Int) {
        writer.openObject()
        writer.member("code", first: true, depth: depth)
        writer.writeString(warning.code)
        writer.member("column", depth: depth)
        writer.writeInteger(warning.column)
        writer.member("file", depth: depth)
        writer.writeString(warning.file)
        writer.member("line", depth: depth)
        writer.writeInteger(warning.line)
        writer.member("message", depth: depth)
        writer.writeString(warning.message)
        writer.closeObject(depth: depth)
    }

    /// A network or a volume: the members they share, then their own one, `lastKey` (`type` or
    /// `pool`), which sorts after `external`.
    private static func writeResource(
        composeName: String, config: [String: String], description: String, external: Bool,
        lastKey: StaticString, lastValue: String, to writer: inout JSONWriter, depth: Int
    ) throws {
        writer.openObject()
        writer.member("compose_name", first: true, depth: depth)
        writer.writeString(composeName)
        writer.member("config", depth: depth)
        try writer.writeStringMap(config, depth: depth + 1)
        writer.member("description", depth: depth)
        writer.writeString(description)
        writer.member("external", depth: depth)
        writer.append(external ? "true" : "false")
        writer.member(lastKey, depth: depth)
        writer.writeString(lastValue)
        writer.closeObject(depth: depth)
    }

    /// The `instances` object, what `writeObject(plan.instances, depth: 1)` writes. Instances are
    /// most of a plan's text, so they are written in chunks on several cores, each chunk's text
    /// a piece of its own, in key order.
    private static func writeInstances(_ instances: [String: PlanInstance], to text: inout PlanText) throws {
        if instances.isEmpty {
            text.writer.append("{}")
            return
        }
        // Sorting the indices moves no instances, and reaches each without hashing its name again.
        var order = Array(instances.indices)
        order.sort { JSONWriter.precedes(instances[$0].key, instances[$1].key) }
        let parts = try piecesInChunks(order, bytesPerItem: 4096) { part, index in
            try part.writeKey(instances[index].key)
            try write(instances[index].value, to: &part, depth: 2)
        }
        text.writer.openObject()
        text.append(parts)
        text.writer.closeObject(depth: 1)
    }

    private static func write(_ instance: PlanInstance, to writer: inout JSONWriter, depth: Int) throws {
        writer.openObject()
        writer.member("config", first: true, depth: depth)
        try writer.writeStringMap(instance.config, depth: depth + 1)
        if !instance.createHostPaths.isEmpty {
            writer.member("create_host_paths", depth: depth)
            writer.writeArray(instance.createHostPaths, depth: depth + 1) { writer, path, _ in writer.writeString(path)
            }
        }
        writer.member("depends_on", depth: depth)
        writer.writeArray(instance.dependsOn, depth: depth + 1) { writer, name, _ in writer.writeString(name) }
        writer.member("devices", depth: depth)
        try writer.writeObject(instance.devices, depth: depth + 1) { writer, device, depth in
            try writer.writeStringMap(device, depth: depth)
        }
        writer.member("files", depth: depth)
        try writer.writeObject(instance.files, depth: depth + 1) { writer, file, depth in
            writer.openObject()
            writer.member("gid", first: true, depth: depth)
            writer.writeString(file.gid)
            writer.member("kind", depth: depth)
            writer.writeString(file.kind)
            writer.member("mode", depth: depth)
            writer.writeString(file.mode)
            writer.member("source", depth: depth)
            writer.writeString(file.source)
            writer.member("uid", depth: depth)
            writer.writeString(file.uid)
            writer.closeObject(depth: depth)
        }
        if let healthcheck = instance.healthcheck {
            writer.member("healthcheck", depth: depth)
            write(healthcheck, to: &writer, depth: depth + 1)
        }
        writer.member("image", depth: depth)
        writer.openObject()
        writer.member("kind", first: true, depth: depth + 1)
        writer.writeString(instance.image.kind)
        if instance.image.pullAlways {
            writer.member("pull_policy", depth: depth + 1)
            writer.writeString("always")
        }
        writer.member("reference", depth: depth + 1)
        writer.writeString(instance.image.reference)
        writer.member("remote", depth: depth + 1)
        writer.writeString(instance.image.remote)
        writer.closeObject(depth: depth + 1)
        writer.member("replica", depth: depth)
        writer.writeInteger(instance.replica)
        writer.member("service", depth: depth)
        writer.writeString(instance.service)
        if let target = instance.target {
            writer.member("target", depth: depth)
            writer.writeString(target)
        }
        if !instance.waitFor.isEmpty {
            writer.member("wait_for", depth: depth)
            try writer.writeStringMap(instance.waitFor, depth: depth + 1)
        }
        writer.closeObject(depth: depth)
    }

    private static func write(_ healthcheck: PlanHealthcheck, to writer: inout JSONWriter, depth: Int) {
        writer.openObject()
        writer.member("disabled", first: true, depth: depth)
        writer.append(healthcheck.disabled ? "true" : "false")
        writer.member("interval_ms", depth: depth)
        writer.writeInteger(healthcheck.intervalMilliseconds)
        writer.member("retries", depth: depth)
        writer.writeInteger(healthcheck.retries)
        writer.member("start_interval_ms", depth: depth)
        writer.writeInteger(healthcheck.startIntervalMilliseconds)
        writer.member("start_period_ms", depth: depth)
        writer.writeInteger(healthcheck.startPeriodMilliseconds)
        writer.member("test", depth: depth)
        writer.writeArray(healthcheck.test, depth: depth + 1) { writer, word, _ in writer.writeString(word) }
        writer.member("timeout_ms", depth: depth)
        writer.writeInteger(healthcheck.timeoutMilliseconds)
        writer.closeObject(depth: depth)
    }
}
