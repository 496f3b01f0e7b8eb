import Foundation
import Plan

/// The healthcheck apply runs for an instance: the plan's, completed by the image's HEALTHCHECK and
/// docker's defaults, as the docker engine merges them.
struct HealthRule: Equatable, Sendable {
    /// What exec runs: `CMD` arguments as they are, `CMD-SHELL` through `/bin/sh -c`.
    var command: [String]
    var interval: TimeInterval
    var timeout: TimeInterval
    var startPeriod: TimeInterval
    var startInterval: TimeInterval
    var retries: Int

    /// Docker's defaults for values neither compose nor the image gives.
    static let defaultInterval: TimeInterval = 30
    static let defaultTimeout: TimeInterval = 30
    static let defaultStartInterval: TimeInterval = 5
    static let defaultRetries = 3

    /// `nil` when there is no check: disabled, `NONE`, or no test anywhere.
    static func effective(plan: PlanHealthcheck?, image: PlanHealthcheck?) -> HealthRule? {
        if plan?.disabled == true { return nil }
        let test = (plan?.test.isEmpty ?? true) ? image?.test ?? [] : plan?.test ?? []
        let command: [String]
        switch test.first {
        case "CMD" where test.count > 1: command = Array(test.dropFirst())
        case "CMD-SHELL" where test.count > 1: command = ["/bin/sh", "-c", test.dropFirst().joined(separator: " ")]
        default: return nil
        }
        func seconds(_ value: (PlanHealthcheck) -> Int64, default fallback: TimeInterval) -> TimeInterval {
            let chosen = plan.map(value).flatMap { $0 > 0 ? $0 : nil } ?? image.map(value).flatMap { $0 > 0 ? $0 : nil }
            return chosen.map { TimeInterval($0) / 1000 } ?? fallback
        }
        let retries =
            plan.flatMap { $0.retries > 0 ? $0.retries : nil } ?? image.flatMap { $0.retries > 0 ? $0.retries : nil }
        return HealthRule(
            command: command, interval: seconds(\.intervalMilliseconds, default: defaultInterval),
            timeout: seconds(\.timeoutMilliseconds, default: defaultTimeout),
            startPeriod: seconds(\.startPeriodMilliseconds, default: 0),
            startInterval: seconds(\.startIntervalMilliseconds, default: defaultStartInterval),
            retries: retries.map { Int($0) } ?? defaultRetries)
    }
}
