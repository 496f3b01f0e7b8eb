/// Jobs: instances that others wait for with `service_completed_successfully`.
///
/// Incus records no exit status of a container's main process; LXC logs it at level info in the
/// instance's lxc.log. The compiler adds this line to a job's `raw.lxc`, and apply reads the log.
public enum JobCompletion {
    /// The `raw.lxc` line that makes LXC log the main process's exit status.
    public static let logLevelLine = "lxc.log.level = info"
}

extension Plan {
    /// The instances some instance waits for with `completed` (`service_completed_successfully`).
    public var jobs: Set<String> {
        Set(instances.values.flatMap { $0.waitFor.filter { $0.value == "completed" }.keys })
    }
}
