import Foundation
import Plan

extension ApplyRun {
    /// `compose-apply logs PLAN [SERVICE...] [--tail N] [-f]`: each instance's console log (what an
    /// OCI container's process writes, an Incus image's console), every line prefixed with the
    /// instance name padded like docker compose's `web-1  | …`. `follow` polls the logs once a second
    /// and prints what is new until `keepGoing` says to stop (an interrupt).
    public static func logs(
        _ invocation: ApplyInvocation, services: [String], tail: Int?, follow: Bool,
        write: @escaping (String) -> Void, keepGoing: @escaping () -> Bool = { true },
        transport: HTTPTransport? = nil
    ) -> OperateResult {
        operate(invocation, services: services, transport: transport) { context in
            let names = try ServiceSelection.instances(context.plan, services: services)
            let width = names.map(\.count).max() ?? 0
            var printed: [String: Int] = [:]
            for name in names {
                let log = try consoleLog(name, context)
                var lines = log.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if lines.last == "" { lines.removeLast() }
                if let tail { lines = Array(lines.suffix(tail)) }
                for line in lines { write(prefix(name, width) + line + "\n") }
                printed[name] = log.utf8.count
            }
            while follow && keepGoing() {
                Thread.sleep(forTimeInterval: 1)
                for name in names {
                    let log = try consoleLog(name, context)
                    let bytes = Array(log.utf8)
                    // A shorter log is a new one (the instance restarted): print it from its start.
                    let start = (printed[name] ?? 0) <= bytes.count ? printed[name] ?? 0 : 0
                    guard start < bytes.count else { continue }
                    let new = String(decoding: bytes[start...], as: UTF8.self)
                    for line in new.split(separator: "\n", omittingEmptySubsequences: true) {
                        write(prefix(name, width) + line + "\n")
                    }
                    printed[name] = bytes.count
                }
            }
            return OperateResult(status: .success)
        }
    }

    private static func prefix(_ name: String, _ width: Int) -> String {
        name.padding(toLength: width, withPad: " ", startingAt: 0) + "  | "
    }

    /// The console log of an instance (`GET /1.0/instances/NAME/console`); an instance not on the
    /// server is an error saying to apply first.
    private static func consoleLog(_ name: String, _ context: ApplyContext) throws -> String {
        do {
            let response = try context.client.rawRequest(
                "GET", "/1.0/instances/\(name)/console", project: context.project, body: nil, headers: [:],
                action: "read the console log of", resource: context.describeInstance(name))
            return String(decoding: response.body, as: UTF8.self)
        } catch let error as IncusError where error.isNotFound {
            throw OperateError.notCreated(name)
        }
    }
}
