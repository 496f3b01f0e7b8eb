import Foundation
import Plan

/// Brings one plan instance to its planned state: created (or updated) and started, its placeholder
/// addresses discovered and pinned, then its NAT proxies and placeholder-using values added.
struct InstanceConverger {
    let context: ApplyContext
    private var requests: InstanceRequests { InstanceRequests(context: context) }
    private var files: FileConverger { FileConverger(context: context) }

    init(context: ApplyContext) {
        self.context = context
    }

    /// `change` (files written or removed, the targets returned). On a running instance with a
    /// read-only root (`read_only`) a target on the root cannot be written, Incus writing through the
    /// container's mounts: then the instance is stopped, `change` runs on its storage, and once it is
    /// started again `change` runs once more for the targets a mount made at start hides (OCI's
    /// `/run` tmpfs). `restarted` says whether that happened.
    private func withWritableRoot(
        _ name: String, _ status: String, restarted: inout Bool, _ change: () throws -> [String]
    ) throws -> [String] {
        guard context.plan.instances[name]?.hasReadOnlyRoot == true, status == "Running" else {
            return try change()
        }
        do {
            return try change()
        } catch let error as IncusError where error.message.lowercased().contains("read-only file system") {
            try requests.stop(name)
            let stored = try change()
            try requests.start(name)
            context.health.started(name)
            restarted = true
            let live = try change()
            return stored + live.filter { !stored.contains($0) }
        }
    }

    /// Why `current` must be rebuilt, as the action line says it (`IMAGE (was OTHER)`), or `nil`: the
    /// plan names another image than the one it was built from, or (pull policy `always`) its tag
    /// now names an image with other layers than the instance's base image.
    private func rebuildReason(_ name: String, _ current: ServerInstance) -> String? {
        guard let instance = context.plan.instances[name] else { return nil }
        let planned = instance.imageRecord
        if let built = current.config[PlanInstance.imageRecordKey], built != planned {
            return "\(planned) (was \(built))"
        }
        guard pullsAlways(instance), let moved = movedTag(name, current) else { return nil }
        return "\(planned), which now names image \(moved.now.prefix(12)) (was \(moved.was.prefix(12)))"
    }

    /// `--pull`, else the service's `pull_policy`.
    private func pullsAlways(_ instance: PlanInstance) -> Bool {
        context.options.pull.map { $0 == .always } ?? instance.image.pullAlways
    }

    /// The Incus fingerprints of the image `current` runs and of the one its OCI tag names now, when
    /// they differ.
    private func movedTag(_ name: String, _ current: ServerInstance) -> (was: String, now: String)? {
        guard let image = context.plan.instances[name]?.image, image.kind == "oci",
            let now = context.images.config(image.reference)?.incusFingerprint,
            let was = current.config["volatile.base_image"], was != now
        else { return nil }
        return (was, now)
    }

    /// Converges `name`; `existing` is the server's instance from the snapshot, if any.
    func converge(_ name: String, existing: ServerInstance?) throws {
        // depends_on conditions beyond "started": a healthy database, a completed job.
        try HealthWaiter(context: context).waitForDependencies(of: name)
        let what = context.describeInstance(name)
        let started = Date()
        var outcome = Outcome.unchanged
        var details: [String] = []
        var server = existing
        if context.options.recreate, let current = server {
            for token in context.index.ownTokens(of: name) { context.values.remove(token) }
            if context.options.dryRun {
                return context.reporter.record(.created, what, detail: "recreate (delete, then create)")
            }
            try requests.delete(current)
            server = nil
            details.append("recreated")
        }
        if !context.options.dryRun { try HostPaths.create(for: name, context: context) }
        let kept = server.flatMap { keptImage(name, $0, what: what) }
        var desired = build(name, keepingImageOf: kept)
        if let current = server {
            guard try convergeExisting(name, current, desired: &desired, outcome: &outcome, details: &details) else {
                return
            }
        } else {
            if context.options.dryRun { return context.reporter.record(.created, what) }
            try create(name, desired: desired)
            outcome = .created
        }
        if context.options.dryRun {
            let changed = try files.differences(name)
            if !changed.isEmpty {
                return context.reporter.record(
                    .updated, what, detail: changed.map { "file \($0)" }.joined(separator: ", "))
            }
            return context.reporter.record(.unchanged, what)
        }
        if let written = try filesOnceRunning(name), outcome != .created {
            if outcome == .unchanged { outcome = .updated }
            details.append(written)
        }
        if try pinAddresses(name) {
            if outcome == .unchanged { outcome = .updated }
            details.append("pinned addresses")
        }
        desired = build(name, keepingImageOf: kept)
        if try convergeLate(name, desired: desired) {
            if outcome == .unchanged { outcome = .updated }
            details.append("added late devices")
        }
        let seconds = outcome == .unchanged ? nil : Date().timeIntervalSince(started)
        context.reporter.record(outcome, what, detail: details.joined(separator: "; "), seconds: seconds)
    }

    /// An instance the server has: rebuilt when its image changed, updated where it differs from
    /// `desired`, started when stopped. False when a dry run reported what it would do instead.
    private func convergeExisting(
        _ name: String, _ server: ServerInstance, desired: inout DesiredInstance, outcome: inout Outcome,
        details: inout [String]
    ) throws -> Bool {
        let what = context.describeInstance(name)
        var current = server
        var rebuilt = false
        if let reason = rebuildReason(name, current) {
            if context.options.dryRun {
                context.reporter.record(.updated, what, detail: "rebuild from \(reason); volumes kept")
                return false
            }
            current = try requests.rebuild(current)
            details.append("rebuilt from \(reason); volumes kept")
            outcome = .updated
            rebuilt = true
        }
        desired = desired.withoutCompanionsOfFallbacks(server: current)
        let changes = desired.differences(from: current)
        if !changes.isEmpty {
            if context.options.dryRun {
                context.reporter.record(.updated, what, detail: changes.joined(separator: ", "))
                return false
            }
            details += try update(name, changes: changes, desired: desired, current: &current)
            outcome = .updated
        }
        if current.status != "Running" && !rebuilt && isCompletedJob(name, current) {
            details.append("completed")
        } else if current.status != "Running" {
            if context.options.dryRun {
                context.reporter.record(.updated, what, detail: "start")
                return false
            }
            // A stopped instance (an earlier apply stopped before starting it) gets its files first.
            if !(try files.converge(name)).isEmpty { details.append("wrote files") }
            try requests.start(name)
            context.health.started(name)
            outcome = .updated
            details.append("started")
        }
        return true
    }

    /// The server's instance when it keeps an older image than its tag names (pull policy
    /// `missing`): it keeps what Incus took from that image, the new image's command line and Env
    /// are not its own. `nil` otherwise.
    private func keptImage(_ name: String, _ current: ServerInstance, what: String) -> ServerInstance? {
        guard let instance = context.plan.instances[name], !pullsAlways(instance),
            current.config[PlanInstance.imageRecordKey] == instance.imageRecord,
            let moved = movedTag(name, current)
        else { return nil }
        context.reporter.note(
            "\(what) keeps image \(moved.was.prefix(12)); \(instance.image.reference) names "
                + "\(moved.now.prefix(12)) now (pull_policy: always or --pull always rebuilds it)")
        return current
    }

    /// Sends the `changes` to the existing instance `current` (refetched when a restart made its
    /// volatile keys stale); returns the action line's details.
    private func update(
        _ name: String, changes: [String], desired: DesiredInstance, current: inout ServerInstance
    ) throws -> [String] {
        var details: [String] = []
        // Before the record that lists them changes: an interrupted run retries.
        var restartedForFiles = false
        let removed = try withWritableRoot(name, current.status, restarted: &restartedForFiles) {
            try files.removeStale(current)
        }
        // A restart changed the volatile keys the update must send back.
        if restartedForFiles { current = try requests.fetch(name) }
        if !removed.isEmpty { details.append("removed files " + removed.joined(separator: ", ")) }
        var devices = baseDevices(desired, current: current)
        let renewing = context.addressesToRenew.contains(name)
        // A pinned lease outside the network's new subnet: the NIC loses it, the devices using it
        // go until it is pinned again, and a restart takes a lease in the new subnet.
        if renewing { for device in desired.pendingDevices { devices[device] = nil } }
        let restarted = try requests.update(current, config: mergedConfig(desired, current), devices: devices)
        details.append(changes.joined(separator: ", ") + (restarted ? " (stopped, updated, started)" : " (live)"))
        if renewing && current.status == "Running" {
            try requests.stop(name)
            try requests.start(name)
            context.health.started(name)
            details.append("restarted for an address in the new subnet")
        }
        return details
    }

    /// Creates the instance, writes its files (so the service finds its secrets at boot) and starts it.
    private func create(_ name: String, desired: DesiredInstance) throws {
        try requests.create(name, config: desired.config, devices: baseDevices(desired, current: nil))
        context.pause(at: "instance-created", instance: name)
        _ = try files.converge(name)
        try requests.start(name)
        context.health.started(name)
        context.pause(at: "instance-started", instance: name)
    }

    /// The files checked again once the instance runs (GET only when nothing changed): a file hidden
    /// by a mount made at boot, or changed since, is written now. The action line's detail, or `nil`
    /// when nothing was written.
    private func filesOnceRunning(_ name: String) throws -> String? {
        // Asked only of a read-only instance, the one kind whose state decides how files are written.
        let status =
            context.plan.instances[name]?.hasReadOnlyRoot == true
            ? try context.client.instance(name, project: context.project)?.status ?? "" : ""
        var restarted = false
        let written = try withWritableRoot(name, status, restarted: &restarted) { try files.converge(name) }
        guard !written.isEmpty else { return nil }
        return "files " + written.joined(separator: ", ") + (restarted ? " (stopped, written, started)" : "")
    }

    /// A job others wait for (`service_completed_successfully`) that stopped with status 0 and has no
    /// restart policy stays done: a re-apply does not run it again.
    private func isCompletedJob(_ name: String, _ server: ServerInstance) -> Bool {
        guard server.status == "Stopped", context.plan.instances[name]?.config["boot.autorestart"] != "true",
            context.plan.jobs.contains(name)
        else { return false }
        return (try? JobExitStatus.read(name, context: context)) == 0
    }

    /// After every instance ran: values that use other instances' addresses. Returns whether anything changed.
    func convergeForeignPlaceholders(_ name: String) throws {
        guard !context.options.dryRun else { return }
        let started = Date()
        if try convergeLate(name, desired: build(name)) {
            context.reporter.record(
                .updated, context.describeInstance(name) + " placeholder values",
                seconds: Date().timeIntervalSince(started))
        }
    }

    /// The desired state of `name`; with `keptImage`, what came from the image (values of image
    /// placeholders, the keys Incus copies from it) is taken from that server instance instead.
    private func build(_ name: String, keepingImageOf keptImage: ServerInstance? = nil) -> DesiredInstance {
        guard let instance = context.plan.instances[name] else {
            return DesiredInstance.build(name, plan: context.plan, index: context.index, values: [:])
        }
        var defaults = instance.image.kind == "oci" ? context.images.instanceDefaults(instance.image.reference) : [:]
        if let keptImage {
            defaults = keptImage.config.filter { key, _ in key.hasPrefix("environment.") || key == "oci.entrypoint" }
        }
        var desired = DesiredInstance.build(
            name, plan: context.plan, index: context.index, values: context.values.snapshot, imageDefaults: defaults)
        if let keptImage {
            for key in instance.config.keys {
                let tokens = context.index.tokensByPointer[JSONPointer.make(["instances", name, "config", key])] ?? []
                if tokens.contains(where: { $0.hasPrefix("image.") }) { desired.config[key] = keptImage.config[key] }
            }
        }
        return desired
    }

    /// The config to send: resolved values, and the server's current values for unresolved keys.
    private func mergedConfig(_ desired: DesiredInstance, _ server: ServerInstance) -> [String: String] {
        var config = desired.config
        for key in desired.pendingKeys { config[key] = server.config[key] }
        return config
    }

    /// The devices sent on create or bulk update: everything but late and pending devices, which keep
    /// their server version until they are set one by one.
    private func baseDevices(_ desired: DesiredInstance, current: ServerInstance?) -> [String: [String: String]] {
        var devices = desired.devices.filter { !desired.lateDevices.contains($0.key) }
        for name in desired.lateDevices.union(desired.pendingDevices) {
            devices[name] = current?.devices[name]
        }
        return devices
    }

    /// Discovers and pins the DHCP address of each placeholder of this instance not known yet.
    private func pinAddresses(_ name: String) throws -> Bool {
        var pins: [String: [String: String]] = [:]  // device → key → address
        let known = context.values.snapshot
        for token in context.index.ownTokens(of: name) where known[token] == nil {
            guard let placeholder = context.plan.placeholders[token],
                let nic = context.plan.instances[name]?.devices[placeholder.device]
            else { continue }
            let address = try AddressDiscovery.waitForAddress(
                client: context.client, instance: name, project: context.project, device: placeholder.device,
                nic: nic, family: placeholder.family, timeout: context.options.addressTimeout)
            pins[placeholder.device, default: [:]][PlaceholderIndex.addressKey(family: placeholder.family)] = address
            context.values.set(token, address)
        }
        guard !pins.isEmpty else { return false }
        let server = try requests.fetch(name)
        var devices = server.devices
        for (device, addresses) in pins {
            devices[device, default: [:]].merge(addresses) { _, new in new }
        }
        if devices != server.devices {
            try requests.put(server, config: server.config, devices: devices)
        }
        return true
    }

    /// Sets late devices one by one (a NAT proxy Incus refuses falls back to userspace) and config keys
    /// whose placeholders became known. Returns whether anything was written.
    private func convergeLate(_ name: String, desired: DesiredInstance) throws -> Bool {
        var server = try requests.fetch(name)
        var wrote = false
        let configChanges = ConfigComparison.changedInstanceKeys(
            plan: desired.config, server: server.config, ignoring: desired.pendingKeys)
        if !configChanges.isEmpty {
            try requests.put(server, config: mergedConfig(desired, server), devices: server.devices)
            server = try requests.fetch(name)
            wrote = true
        }
        // Sorted, a NAT proxy comes before its loopback companions, which are left out once it fell back.
        for device in desired.lateDevices.sorted() {
            guard let planned = desired.withoutCompanionsOfFallbacks(server: server).devices[device] else { continue }
            if DesiredInstance.deviceMatches(desired: planned, server: server.devices[device]) { continue }
            server = try setDevice(device, planned, on: server)
            wrote = true
        }
        return wrote
    }

    private func setDevice(_ device: String, _ planned: [String: String], on server: ServerInstance) throws
        -> ServerInstance
    {
        var devices = server.devices
        devices[device] = planned
        do {
            try requests.put(server, config: server.config, devices: devices)
        } catch let error as IncusError where ProxyFallback.isNATProxy(planned) {
            devices[device] = ProxyFallback.userspace(planned)
            do {
                try requests.put(server, config: server.config, devices: devices)
            } catch let fallbackError as IncusError {
                // Not a NAT limitation: the device cannot work in either mode (a plan error).
                throw IncusError(
                    action: fallbackError.action, resource: fallbackError.resource + " device \(device)",
                    message: "the NAT proxy was refused (\(error.message)) and so was its userspace fallback ("
                        + fallbackError.message + ")", statusCode: fallbackError.statusCode)
            }
            context.reporter.fallback(
                "proxy \(device) of \(context.describeInstance(server.name))",
                reason: "Incus refused the NAT proxy (\(error.message)); using a userspace proxy")
        }
        return try requests.fetch(server.name)
    }
}
