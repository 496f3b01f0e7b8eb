import Plan

/// `healthcheck` → the instance's `PlanHealthcheck`, which apply runs through the Incus exec API;
/// `depends_on` conditions → the instance's `wait_for`.
enum HealthcheckTranslator {
    /// `nil` when the service has no healthcheck (an OCI image's own then applies, as in docker).
    static func translate(_ service: YAMLNode, path: String) throws -> PlanHealthcheck? {
        guard let node = service["healthcheck"], !node.isNull else { return nil }
        let checkPath = path + ".healthcheck"
        var check = PlanHealthcheck(test: [])
        if let disable = node["disable"], !disable.isNull {
            check.disabled = try disable.expectBool(checkPath + ".disable")
        }
        if let test = node["test"], !test.isNull {
            check.test = try InstanceConfig.words(test, path: checkPath + ".test")
            switch check.test.first {
            case "NONE": check.disabled = true
            case "CMD", "CMD-SHELL":
                guard check.test.count >= 2 else {
                    throw CompileError(
                        "healthcheck test \(check.test[0]) needs a command after it", at: test.location,
                        path: checkPath + ".test")
                }
            default:
                throw CompileError(
                    "healthcheck test must start with CMD, CMD-SHELL or NONE (or be a command string)",
                    at: test.location, path: checkPath + ".test")
            }
        }
        check.intervalMilliseconds = try milliseconds(node, "interval", path: checkPath)
        check.timeoutMilliseconds = try milliseconds(node, "timeout", path: checkPath)
        check.startPeriodMilliseconds = try milliseconds(node, "start_period", path: checkPath)
        check.startIntervalMilliseconds = try milliseconds(node, "start_interval", path: checkPath)
        if let retries = node["retries"], !retries.isNull {
            check.retries = try retries.expectInteger(checkPath + ".retries")
            guard check.retries >= 0 else {
                throw CompileError(
                    "healthcheck retries must not be negative", at: retries.location, path: checkPath + ".retries")
            }
        }
        return check
    }

    private static func milliseconds(_ node: YAMLNode, _ key: String, path: String) throws -> Int64 {
        guard let value = node[key], !value.isNull else { return 0 }
        let text = try value.expectScalarText(path + "." + key)
        guard let nanoseconds = ValueConversions.duration(text), nanoseconds >= 0 else {
            throw CompileError(
                "healthcheck \(key) '\(text)' is not a duration such as 30s, 1m30s or 500ms", at: value.location,
                path: path + "." + key)
        }
        // Docker refuses intervals under a millisecond; a fraction of one is rounded up to it.
        return nanoseconds == 0 ? 0 : max(1, nanoseconds / 1_000_000)
    }

    /// The dependencies of `service` to wait for beyond their start, instance by instance:
    /// `service_healthy` → `healthy`, `service_completed_successfully` → `completed`.
    static func waitFor(_ service: YAMLNode, dependencies: [String], instanceNames: [String: [String]]) -> [String:
        String]
    {
        var result: [String: String] = [:]
        for pair in service["depends_on"]?.mapping ?? [] where dependencies.contains(pair.key) {
            let condition: String
            switch pair.value["condition"]?.scalarText {
            case "service_healthy": condition = "healthy"
            case "service_completed_successfully": condition = "completed"
            default: continue
            }
            for instance in instanceNames[pair.key] ?? [] { result[instance] = condition }
        }
        return result
    }
}
