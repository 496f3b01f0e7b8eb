import Foundation

/// The test-only hook `COMPOSE_APPLY_TEST_PAUSE_AT=STAGE[,STAGE…]` (docs/environment-variables.md):
/// at a listed stage apply prints `compose-apply: test pause at STAGE (pid N)` on standard error and
/// sleeps, so that a test can kill it at exactly that point. `STAGE` may name an instance stage for
/// one instance only: `instance-created:web-1`.
enum TestPause {
    static let variable = "COMPOSE_APPLY_TEST_PAUSE_AT"

    /// The stages apply can pause at, in the order a fresh apply reaches them.
    static let stages = [
        "locked", "after-project", "after-networks", "after-volumes", "instance-created", "instance-started",
        "instances-done", "before-network-placeholders",
    ]

    static func pause(at stage: String, instance: String? = nil, environment: [String: String]) {
        guard let wanted = environment[variable], !wanted.isEmpty else { return }
        let requested = wanted.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let names = [stage] + (instance.map { ["\(stage):\($0)"] } ?? [])
        guard requested.contains(where: names.contains) else { return }
        let label = instance.map { "\(stage):\($0)" } ?? stage
        FileHandle.standardError.write(Data("compose-apply: test pause at \(label) (pid \(getpid()))\n".utf8))
        let seconds = Double(environment["COMPOSE_APPLY_TEST_PAUSE_SECONDS"] ?? "") ?? 600
        Thread.sleep(forTimeInterval: seconds)
    }
}
