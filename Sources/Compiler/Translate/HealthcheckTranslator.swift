import Plan

/// `healthcheck` → the instance's `PlanHealthcheck`, which apply runs through the Incus exec API;
/// `depends_on` conditions → the instance's `wait_for`.
enum HealthcheckTranslator {
    /// `nil` when the service has no healthcheck (an OCI image's own then applies, as in docker).
    static func translate(_ healthcheck: ComposeService.Healthcheck?) -> PlanHealthcheck? {
        guard let healthcheck else { return nil }
        var check = PlanHealthcheck(test: healthcheck.test)
        check.disabled = healthcheck.disabled
        check.intervalMilliseconds = milliseconds(healthcheck.intervalNanoseconds)
        check.timeoutMilliseconds = milliseconds(healthcheck.timeoutNanoseconds)
        check.startPeriodMilliseconds = milliseconds(healthcheck.startPeriodNanoseconds)
        check.startIntervalMilliseconds = milliseconds(healthcheck.startIntervalNanoseconds)
        check.retries = healthcheck.retries
        return check
    }

    /// Docker refuses intervals under a millisecond; a fraction of one is rounded up to it.
    private static func milliseconds(_ nanoseconds: Int64) -> Int64 {
        nanoseconds == 0 ? 0 : max(1, nanoseconds / 1_000_000)
    }

    /// The dependencies of `service` to wait for beyond their start, instance by instance:
    /// `service_healthy` → `healthy`, `service_completed_successfully` → `completed`.
    static func waitFor(
        _ service: ComposeService, dependencies: [String], instanceNames: [String: [String]]
    ) -> [String: String] {
        var result: [String: String] = [:]
        for dependency in service.dependsOn where dependencies.contains(dependency.service) {
            let condition: String
            switch dependency.condition {
            case "service_healthy": condition = "healthy"
            case "service_completed_successfully": condition = "completed"
            default: continue
            }
            for instance in instanceNames[dependency.service] ?? [] { result[instance] = condition }
        }
        return result
    }
}
