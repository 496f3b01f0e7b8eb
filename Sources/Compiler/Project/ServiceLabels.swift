/// Folds each service's `label_file:` files into its `labels`, as `docker compose config` shows
/// them: files in order, each in .env syntax (a later file wins, `${…}` sees the labels of the files
/// before it), then `labels:` over them all. The `label_file` key stays, as docker prints it.
enum ServiceLabels {
    /// `filesRead` gets every label file read, so the plan can record its digest.
    static func apply(_ model: YAMLNode, filesRead: inout [String]) throws -> YAMLNode {
        try model.replacingServices { service in try apply(service: service, filesRead: &filesRead) }
    }

    private static func apply(service pair: YAMLPair, filesRead: inout [String]) throws -> YAMLNode {
        guard let files = pair.value["label_file"]?.sequence, !files.isEmpty else { return pair.value }
        var service = pair.value
        var labels: [String: String] = [:]
        var order: [String] = []
        var locations: [String: SourceLocation] = [:]
        for (index, file) in files.enumerated() {
            guard let path = file.scalar?.text else { continue }
            guard FilePaths.isFile(path) else {
                throw CompileError(
                    "label file \(path) not found", at: file.location, path: "services.\(pair.key).label_file[\(index)]"
                )
            }
            let text = try DotEnvFiles.readText(path, requestedAt: file.location)
            filesRead.append(path)
            let before = labels
            let known = Set(order)
            try DotEnvParser(file: path) { before[$0] }.parse(text, into: &labels, order: &order)
            for key in order where !known.contains(key) { locations[key] = file.location }
        }
        let declared = KeyValues.entries(service["labels"])
        let declaredKeys = Set(declared.map(\.key))
        var result: [(String, YAMLNode)] = []
        for key in order where !declaredKeys.contains(key) {
            result.append((key, .string(labels[key] ?? "", at: locations[key] ?? service.location)))
        }
        for entry in declared {
            result.append((entry.key, .string(entry.value ?? "", at: entry.location)))
        }
        service.set("labels", .mapping(result, at: service["labels"]?.location ?? service.location))
        return service
    }
}
