import Foundation
import Plan

/// Who holds an apply lock: `pid=N host=H since=ISO8601 renewed=ISO8601 token=T`, the value of
/// `user.compose.lock`. `renewed` is the holder's last heartbeat.
struct LockHolder: Equatable {
    var pid: Int32
    var host: String
    var since: Date
    var token: String
    var renewed: Date? = nil

    var value: String {
        "pid=\(pid) host=\(host) since=\(LockHolder.format(since)) renewed=\(LockHolder.format(renewed ?? since)) "
            + "token=\(token)"
    }

    /// The last sign of life: the heartbeat, else the start.
    var lastSeen: Date { renewed ?? since }

    /// `pid N on HOST since T`, for messages.
    var description: String { "pid \(pid) on \(host) since \(LockHolder.format(since))" }

    static func parse(_ text: String) -> LockHolder? {
        var fields: [String: String] = [:]
        for part in text.split(separator: " ") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            fields[String(part[..<equals])] = String(part[part.index(after: equals)...])
        }
        guard let pid = fields["pid"].flatMap({ Int32($0) }), let host = fields["host"],
            let since = fields["since"].flatMap(parseDate), let token = fields["token"]
        else { return nil }
        return LockHolder(
            pid: pid, host: host, since: since, token: token, renewed: fields["renewed"].flatMap(parseDate))
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    private static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// This machine's host name.
    static var localHost: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(cString: buffer)
    }
}

/// The apply lock of one compose project: the key `user.compose.lock` on its Incus project, taken and
/// released with conditional requests (`If-Match` on the project's ETag), so that of two applies that
/// read the same project only one can write the key. Being on the server, it serializes applies from
/// any machine (a local file lock would only see applies on this one). A project that does not exist
/// yet is created with the key already set; a second creator gets "already exists" and waits.
///
/// While held, the lock is renewed every `renewInterval` seconds (a heartbeat, `renewed=`). It is stale,
/// and taken over with a note, when its holder ran on this host and its pid is gone (a killed apply),
/// or when it comes from another host and was not renewed for `staleAfter` seconds (an apply there that
/// died; its pid cannot be checked from here).
/// The lock's own writes are counted apart from resource writes (`IncusClient.lockWriteRequests`).
final class ProjectLock {
    static let key = "user.compose.lock"
    /// A lock of another host not renewed for this long (seconds) is stale.
    static let staleAfter: TimeInterval = 300
    /// How often a held lock is renewed (seconds); `COMPOSE_APPLY_TEST_LOCK_RENEW_SECONDS` (tests only)
    /// overrides it.
    static let renewInterval: TimeInterval = 60

    let holder: LockHolder
    /// Whether taking the lock created the project.
    let createdProject: Bool
    private let context: ApplyContext
    private let stop = NSCondition()
    private var stopped = false
    private var heartbeat: Thread?

    private init(holder: LockHolder, createdProject: Bool, context: ApplyContext) {
        self.holder = holder
        self.createdProject = createdProject
        self.context = context
        startHeartbeat()
    }

    private func startHeartbeat() {
        let interval =
            Double(context.options.environment["COMPOSE_APPLY_TEST_LOCK_RENEW_SECONDS"] ?? "")
            ?? ProjectLock.renewInterval
        let thread = Thread { [self] in
            while true {
                stop.lock()
                if !stopped { _ = stop.wait(until: Date().addingTimeInterval(interval)) }
                let done = stopped
                stop.unlock()
                if done { return }
                renew()
            }
        }
        thread.name = "apply-lock-heartbeat"
        heartbeat = thread
        thread.start()
    }

    private func stopHeartbeat() {
        stop.lock()
        stopped = true
        stop.broadcast()
        stop.unlock()
    }

    /// Writes a fresh `renewed=` if the lock is still ours; failures are left to the next beat.
    private func renew() {
        guard let (project, etag) = try? ProjectLock.read(context), let project,
            let text = project.config[ProjectLock.key], LockHolder.parse(text)?.token == holder.token
        else { return }
        var renewed = holder
        renewed.renewed = Date()
        var config = project.config
        config[ProjectLock.key] = renewed.value
        _ = try? ProjectLock.conditionalPut(context, config: config, description: project.description, etag: etag)
    }

    /// Takes the lock, waiting up to `--lock-timeout` for another holder. Returns `nil` when the project
    /// does not exist and `create` is false (nothing to lock, as for `--destroy`).
    static func acquire(_ context: ApplyContext, create: Bool) throws -> ProjectLock? {
        let name = context.project
        let me = LockHolder(
            pid: getpid(), host: LockHolder.localHost, since: Date(), token: UUID().uuidString.lowercased())
        let started = Date()
        var announced = false
        while true {
            let (project, etag) = try read(context)
            guard let project else {
                guard create else { return nil }
                if try createProject(context, holder: me) {
                    return ProjectLock(holder: me, createdProject: true, context: context)
                }
                continue
            }
            guard project.config[PlanValidator.markerKey] == context.marker else {
                throw ApplyError.notOwned(
                    kind: "project", name: name, project: context.marker,
                    owner: project.config[PlanValidator.markerKey])
            }
            if let text = project.config[key] {
                let other = LockHolder.parse(text)
                if let reason = staleness(other) {
                    context.reporter.note(
                        "note: taking over the lock of project \(name) from "
                            + (other?.description ?? "\"\(text)\"") + ": \(reason)")
                } else {
                    let waited = Int(Date().timeIntervalSince(started))
                    let holder = other?.description ?? text
                    if Date().timeIntervalSince(started) >= Double(context.options.lockTimeout) {
                        throw ApplyError.locked(project: name, holder: holder, waited: waited)
                    }
                    if !announced {
                        announced = true
                        context.reporter.note(
                            "project \(name) is being applied by \(holder); waiting up to "
                                + "\(context.options.lockTimeout) s (--lock-timeout)")
                    }
                    try Interruption.check(before: "taking the lock")
                    Thread.sleep(forTimeInterval: 0.5)
                    continue
                }
            }
            var config = project.config
            config[key] = me.value
            if try conditionalPut(context, config: config, description: project.description, etag: etag) {
                return ProjectLock(holder: me, createdProject: false, context: context)
            }
        }
    }

    /// Releases the lock if it is still ours; never throws (a failure is a warning: the lock then goes
    /// stale and the next apply takes it over).
    func release() {
        stopHeartbeat()
        for _ in 0..<5 {
            do {
                let (project, etag) = try ProjectLock.read(context)
                guard let project, let text = project.config[ProjectLock.key] else { return }
                guard LockHolder.parse(text)?.token == holder.token else {
                    return context.reporter.warning(
                        "the lock of project \(context.project) was taken over by someone else during this apply")
                }
                var config = project.config
                config[ProjectLock.key] = nil
                if try ProjectLock.conditionalPut(
                    context, config: config, description: project.description, etag: etag)
                {
                    return
                }
            } catch {
                return context.reporter.warning("could not release the lock of project \(context.project): \(error)")
            }
        }
        context.reporter.warning("could not release the lock of project \(context.project): it kept changing")
    }

    /// Why a holder's lock is stale, or `nil` when it is live.
    static func staleness(_ holder: LockHolder?) -> String? {
        guard let holder else { return "its value cannot be read" }
        if holder.host == LockHolder.localHost {
            // On this host the process table is the truth, however long the apply runs.
            return kill(holder.pid, 0) != 0 && errno == ESRCH ? "that process is not running any more" : nil
        }
        if Date().timeIntervalSince(holder.lastSeen) > staleAfter {
            return "it was not renewed for more than \(Int(staleAfter)) s"
        }
        return nil
    }

    static func read(_ context: ApplyContext) throws -> (ServerObject?, String?) {
        do {
            let (metadata, headers) = try context.client.exchange(
                "GET", "/1.0/projects/\(context.project)", project: nil, body: nil, action: "read project",
                resource: context.project)
            return (IncusClient.decodeObject(metadata), headers["etag"])
        } catch let error as IncusError where error.isNotFound {
            return (nil, nil)
        }
    }

    /// `PUT` with `If-Match`; `false` when another writer changed the project first (412). A write
    /// of the lock by default; other writes of the project's config give their own `action`.
    static func conditionalPut(
        _ context: ApplyContext, config: [String: String], description: String, etag: String?,
        action: String = "update the lock of project", lockWrite: Bool = true
    ) throws -> Bool {
        var headers: [String: String] = [:]
        if let etag { headers["If-Match"] = etag }
        do {
            _ = try context.client.exchange(
                "PUT", "/1.0/projects/\(context.project)", project: nil,
                body: .object(["config": .stringMap(config), "description": .string(description)]),
                headers: headers, action: action, resource: context.project, lockWrite: lockWrite)
            return true
        } catch let error as IncusError where error.statusCode == 412 {
            return false
        }
    }

    /// Creates the project with the lock set; `false` when another apply created it first.
    private static func createProject(_ context: ApplyContext, holder: LockHolder) throws -> Bool {
        var config = ConfigComparison.recorded(context.plan.project.config)
        config[key] = holder.value
        do {
            let (_, seconds) = try context.timed {
                try context.client.send(
                    "POST", "/1.0/projects",
                    body: .object([
                        "name": .string(context.project), "config": .stringMap(config),
                        "description": .string("compose project \(context.marker)"),
                    ]), action: "create project", resource: context.project)
            }
            context.reporter.record(.created, "project \(context.project)", seconds: seconds)
            return true
        } catch let error as IncusError
            where error.statusCode == 409 || error.message.localizedCaseInsensitiveContains("already exists")
        {
            return false
        }
    }
}
