import Foundation
import Plan

/// Runs healthchecks through the Incus exec API with the docker engine's timing, and waits for jobs.
///
/// Timing as docker's: the first check runs one interval after the start (the start interval while
/// in the start period), the next one an interval after the previous ended; one success is healthy;
/// a failure counts only after the start period, and `retries` counted failures in a row are
/// unhealthy. An instance that was running before this apply has no known start: it is checked at
/// once, outside any start period. Nothing keeps checking once apply has returned.
struct HealthWaiter {
    let context: ApplyContext

    /// The instance's effective healthcheck (the plan's, the image's, docker's defaults).
    func rule(for name: String) -> HealthRule? {
        guard let instance = context.plan.instances[name] else { return nil }
        let image = instance.image.kind == "oci" ? context.images.config(instance.image.reference)?.healthcheck : nil
        return HealthRule.effective(plan: instance.healthcheck, image: image)
    }

    /// One check, run as the container's user in its working directory, as docker runs it.
    func probe(_ name: String, rule: HealthRule) throws -> ExecResult {
        let process = try context.client.instance(name, project: context.project)?.process
        return try context.client.execute(
            rule.command, in: name, project: context.project, user: process?.user, group: process?.group,
            cwd: process?.workingDirectory, timeout: rule.timeout)
    }

    /// Returns once `name` is healthy; throws `unhealthy`, or `notReady` past `deadline`.
    func waitHealthy(_ name: String, rule: HealthRule, deadline: Date?) throws {
        let started = context.health.startTime(name)
        func inStartPeriod() -> Bool { started.map { Date().timeIntervalSince($0) < rule.startPeriod } ?? false }
        var next = started.map { $0.addingTimeInterval(inStartPeriod() ? rule.startInterval : rule.interval) } ?? Date()
        var failures = 0
        while true {
            if let deadline, next > deadline {
                throw ApplyError.notReady(instances: [name: "not healthy yet"], waited: context.options.waitTimeout)
            }
            let pause = next.timeIntervalSinceNow
            if pause > 0 { Thread.sleep(forTimeInterval: pause) }
            try Interruption.check(before: "the next healthcheck of \(context.describeInstance(name))")
            let result = try probe(name, rule: rule)
            if result.exitCode == 0 { return }
            let starting = inStartPeriod()
            if !starting {
                failures += 1
                if failures >= rule.retries {
                    throw ApplyError.unhealthy(instance: name, failures: failures, output: result.output)
                }
            }
            next = Date().addingTimeInterval(starting ? rule.startInterval : rule.interval)
        }
    }

    /// Waits until `name` has stopped and returns its main process's exit status.
    func waitCompleted(_ name: String, deadline: Date?) throws -> Int {
        let limit = deadline ?? Date().addingTimeInterval(TimeInterval(context.client.operationTimeout))
        while true {
            let state = try context.client.get(
                "/1.0/instances/\(name)/state", project: context.project, action: "read state of instance",
                resource: context.describeInstance(name))
            if state["status"]?.stringValue == "Stopped" {
                return try JobExitStatus.read(name, context: context) ?? 0
            }
            guard Date() < limit else {
                throw ApplyError.notReady(instances: [name: "still running"], waited: context.options.waitTimeout)
            }
            try Interruption.check(before: "the end of \(context.describeInstance(name))")
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    /// Waits for the `wait_for` conditions of `name`'s dependencies, each dependency once per apply.
    func waitForDependencies(of name: String) throws {
        guard let waitFor = context.plan.instances[name]?.waitFor, !context.options.dryRun else { return }
        for dependency in waitFor.keys.sorted() {
            switch waitFor[dependency] {
            case "healthy":
                try context.health.once(dependency) {
                    guard let rule = rule(for: dependency) else { throw ApplyError.noHealthcheck(instance: dependency) }
                    context.reporter.note("waiting for \(context.describeInstance(dependency)) to be healthy")
                    try waitHealthy(dependency, rule: rule, deadline: nil)
                    context.reporter.note("\(context.describeInstance(dependency)) is healthy")
                }
            case "completed":
                try context.health.once(dependency) {
                    context.reporter.note("waiting for \(context.describeInstance(dependency)) to complete")
                    let status = try waitCompleted(dependency, deadline: nil)
                    guard status == 0 else { throw ApplyError.jobFailed(instance: dependency, exitCode: status) }
                    context.reporter.note("\(context.describeInstance(dependency)) completed successfully")
                }
            default:
                continue
            }
        }
    }

    /// `--wait`: every instance with a healthcheck healthy, every job that others wait for completed
    /// with status 0, every other instance running; throws `notReady` listing the others.
    func waitForAll() throws {
        let deadline = context.options.waitTimeout.map { Date().addingTimeInterval(TimeInterval($0)) }
        let jobs = context.plan.jobs
        var notReady: [String: String] = [:]
        for name in context.plan.instances.keys.sorted() {
            do {
                if jobs.contains(name) {
                    let status = try waitCompleted(name, deadline: deadline)
                    if status != 0 { notReady[name] = "exited (\(status))" }
                } else if let rule = rule(for: name) {
                    try context.health.once(name) { try waitHealthy(name, rule: rule, deadline: deadline) }
                } else {
                    let state = try context.client.get(
                        "/1.0/instances/\(name)/state", project: context.project, action: "read state of instance",
                        resource: context.describeInstance(name))
                    let status = state["status"]?.stringValue ?? "missing"
                    if status != "Running" { notReady[name] = status.lowercased() }
                }
            } catch let error as ApplyError {
                if case .notReady(let instances, _) = error {
                    notReady.merge(instances) { first, _ in first }
                } else {
                    notReady[name] = "\(error)"
                }
            }
        }
        guard notReady.isEmpty else {
            throw ApplyError.notReady(instances: notReady, waited: context.options.waitTimeout)
        }
    }
}

/// The exit status of an OCI container's main process, which Incus does not record: LXC logs it in
/// the instance's lxc.log at level info (`Child <PID> ended on error (N)` or `… ended on signal (N)`,
/// nothing for status 0), which the plan turns on for the jobs others wait for (`JobCompletion`).
enum JobExitStatus {
    /// `nil` when the log shows no start of the main process.
    static func read(_ name: String, context: ApplyContext) throws -> Int? {
        let log = try context.client.rawRequest(
            "GET", "/1.0/instances/\(name)/logs/lxc.log", project: context.project, body: nil, headers: [:],
            action: "read the log of instance", resource: context.describeInstance(name))
        return parse(String(decoding: log.body, as: UTF8.self))
    }

    /// The status logged for the last main process started in `log`.
    static func parse(_ log: String) -> Int? {
        var pid: String?
        var status: Int?
        for line in log.split(separator: "\n") {
            if let range = line.range(of: "started with pid '") {
                pid = String(line[range.upperBound...].prefix { $0.isNumber })
                status = 0
                continue
            }
            guard let pid, line.contains("Child <\(pid)> ended on ") else { continue }
            let number = line.split(separator: "(").last.flatMap { Int($0.prefix { $0.isNumber }) } ?? 1
            status = line.contains("ended on signal") ? 128 + number : number
        }
        return status
    }
}
