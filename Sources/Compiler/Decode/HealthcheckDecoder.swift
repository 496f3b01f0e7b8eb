/// A service's `healthcheck` → `ComposeService.Healthcheck`.
enum HealthcheckDecoder {
    /// `nil` when the service has no healthcheck (an OCI image's own then applies, as in docker).
    /// `path` is spelt out only for a service that has one.
    static func decode(_ node: YAMLNode?, path makePath: @autoclosure () -> String) throws
        -> ComposeService.Healthcheck?
    {
        guard let node, !node.isNull else { return nil }
        let path = makePath()
        var check = ComposeService.Healthcheck()
        if let disable = node["disable"], !disable.isNull {
            check.disabled = try disable.expectBool(path + ".disable")
        }
        if let test = node["test"], !test.isNull {
            check.test = try ServiceDecoder.words(test, path: path + ".test")
            switch check.test.first {
            case "NONE": check.disabled = true
            case "CMD", "CMD-SHELL":
                guard check.test.count >= 2 else {
                    throw CompileError(
                        "healthcheck test \(check.test[0]) needs a command after it", at: test.location,
                        path: path + ".test")
                }
            default:
                throw CompileError(
                    "healthcheck test must start with CMD, CMD-SHELL or NONE (or be a command string)",
                    at: test.location, path: path + ".test")
            }
        }
        check.intervalNanoseconds = try duration(node, "interval", path: path)
        check.timeoutNanoseconds = try duration(node, "timeout", path: path)
        check.startPeriodNanoseconds = try duration(node, "start_period", path: path)
        check.startIntervalNanoseconds = try duration(node, "start_interval", path: path)
        if let retries = node["retries"], !retries.isNull {
            check.retries = try retries.expectInteger(path + ".retries")
            guard check.retries >= 0 else {
                throw CompileError(
                    "healthcheck retries must not be negative", at: retries.location, path: path + ".retries")
            }
        }
        return check
    }

    private static func duration(_ node: YAMLNode, _ key: String, path: String) throws -> Int64 {
        guard let value = node[key], !value.isNull else { return 0 }
        let text = try value.expectScalarText(path + "." + key)
        guard let nanoseconds = ValueConversions.duration(text), nanoseconds >= 0 else {
            throw CompileError(
                "healthcheck \(key) '\(text)' is not a duration such as 30s, 1m30s or 500ms", at: value.location,
                path: path + "." + key)
        }
        return nanoseconds
    }
}
