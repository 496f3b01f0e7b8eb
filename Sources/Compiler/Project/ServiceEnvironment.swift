/// Folds each service's `env_file:` files into its `environment`, as `docker compose config` shows
/// it: files are read in order (a missing file is an error unless `required: false`), values in
/// `environment:` win over file values, and interpolation inside a file sees the project variables
/// first and then the service's own environment. Like `docker compose config`, the `env_file`
/// key itself is then dropped.
enum ServiceEnvironment {
    /// `filesRead` gets every env file read, so the plan can record its digest.
    static func apply(
        _ model: YAMLNode, projectVariables: [String: String], filesRead: inout [String]
    ) throws -> YAMLNode {
        try model.replacingServices { service in
            try apply(service: service, projectVariables: projectVariables, filesRead: &filesRead)
        }
    }

    /// One service with its env files folded in (unchanged without `env_file`).
    static func apply(
        service pair: YAMLPair, projectVariables: [String: String], filesRead: inout [String]
    ) throws -> YAMLNode {
        guard let envFiles = pair.value["env_file"]?.sequence, !envFiles.isEmpty else { return pair.value }
        var service = pair.value
        let declared = KeyValues.entries(service["environment"])
        var declaredValues: [String: String] = [:]
        for entry in declared { if let value = entry.value { declaredValues[entry.key] = value } }
        var variables: [String: String] = declaredValues
        var order = declared.filter { $0.value != nil }.map(\.key)
        var locations: [String: SourceLocation] = [:]
        for (index, envFile) in envFiles.enumerated() {
            guard let path = envFile["path"]?.scalar?.text else { continue }
            let required = envFile["required"].map(ModelNormalization.isTrue) ?? true
            guard FilePaths.isFile(path) else {
                if required {
                    throw CompileError(
                        "env file \(path) not found", at: envFile.location,
                        path: "services.\(pair.key).env_file[\(index)]")
                }
                continue
            }
            let text = try DotEnvFiles.readText(path, requestedAt: envFile.location)
            filesRead.append(path)
            let before = Set(order)
            if envFile["format"]?.scalar?.text == "raw" {
                for line in text.split(separator: "\n") {
                    let (key, value) = KeyValues.splitAtEquals(String(line))
                    if variables.updateValue(value ?? "", forKey: key) == nil {
                        order.append(key)
                    }
                }
            } else {
                let parser = DotEnvParser(file: path) { projectVariables[$0] ?? declaredValues[$0] }
                try parser.parse(text, into: &variables, order: &order)
            }
            for key in order where !before.contains(key) { locations[key] = envFile.location }
        }
        var result: [(String, YAMLNode)] = []
        let declaredKeys = Set(declared.map(\.key))
        for key in order where !declaredKeys.contains(key) {
            result.append((key, .string(variables[key] ?? "", at: locations[key] ?? service.location)))
        }
        for entry in declared {
            result.append(
                (entry.key, entry.value.map { .string($0, at: entry.location) } ?? .null(at: entry.location)))
        }
        service.set("environment", .mapping(result, at: service["environment"]?.location ?? service.location))
        service.remove("env_file")
        return service
    }
}

extension YAMLNode {
    /// The model with each service replaced by `transform` of it, in order (unchanged without
    /// `services`).
    func replacingServices(_ transform: (YAMLPair) throws -> YAMLNode) rethrows -> YAMLNode {
        guard var services = self["services"], services.mapping != nil else { return self }
        try services.updatePairs { pairs in
            for index in pairs.indices { pairs[index].value = try transform(pairs[index]) }
        }
        var result = self
        result.set("services", services)
        return result
    }
}
