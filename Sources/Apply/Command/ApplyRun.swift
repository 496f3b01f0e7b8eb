import Foundation
import Plan

/// Exit statuses of `compose-apply` (docs/apply.md lists them).
public enum ApplyExitStatus: Int32, Sendable {
    /// The server matches the plan (fallbacks and warnings included).
    case success = 0
    /// The plan could not be read or is invalid; no request was sent.
    case invalidPlan = 1
    /// A check refused the plan before anything changed (OCI support, image, ownership, externals).
    case refused = 2
    /// Incus refused a change part way; what was done before stays.
    case failed = 3
    /// The server could not be reached.
    case unreachable = 4
    /// SIGINT or SIGTERM: the instances in progress were finished, the lock released.
    case interrupted = 130
}

/// One run of `compose-apply`, as the command line describes it.
public struct ApplyInvocation: Sendable {
    /// Path of the plan JSON, or `-` for standard input.
    public var planPath: String
    /// `--socket`.
    public var socket: String?
    /// `--remote`.
    public var remote: String?
    public var options: ApplyOptions

    public init(planPath: String, socket: String? = nil, remote: String? = nil, options: ApplyOptions = ApplyOptions())
    {
        self.planPath = planPath
        self.socket = socket
        self.remote = remote
        self.options = options
    }
}

/// What a run did.
public struct ApplyResult: Sendable {
    public var status: ApplyExitStatus
    /// The totals, when the run got that far.
    public var summary: Summary?
    /// Every write request sent to a resource (`METHOD path`); the lock's own writes are not included.
    public var writeRequests: [String]
    /// The writes that took and released the apply lock (`user.compose.lock`).
    public var lockWriteRequests: [String] = []
    /// The error message, when the run failed.
    public var message: String?
}

/// Reads, validates and applies a plan; everything `compose-apply` does apart from parsing flags.
public enum ApplyRun {
    /// Runs `invocation`; `transport` replaces the libcurl transport (tests).
    public static func execute(
        _ invocation: ApplyInvocation, reporter: Reporter, transport: HTTPTransport? = nil
    ) -> ApplyResult {
        let plan: Plan
        do {
            plan = try loadPlan(invocation.planPath)
        } catch {
            return ApplyResult(status: .invalidPlan, summary: nil, writeRequests: [], message: "\(error)")
        }
        do {
            _ = try ServiceSelection.instances(plan, services: invocation.options.services)
        } catch {
            return ApplyResult(status: .invalidPlan, summary: nil, writeRequests: [], message: "\(error)")
        }
        if invocation.options.checkSource {
            do {
                try SourceCheck.verify(plan.source)
            } catch {
                return ApplyResult(status: .invalidPlan, summary: nil, writeRequests: [], message: "\(error)")
            }
        }
        let client: IncusClient
        do {
            let endpoint = try IncusEndpoint.resolve(
                socket: invocation.socket, remote: invocation.remote, environment: invocation.options.environment)
            client = IncusClient(transport: transport ?? CurlTransport(endpoint: endpoint))
        } catch {
            return ApplyResult(status: .refused, summary: nil, writeRequests: [], message: "\(error)")
        }
        do {
            let summary =
                invocation.options.destroy
                ? try Destroyer.destroy(plan: plan, client: client, options: invocation.options, reporter: reporter)
                : try Applier.apply(plan: plan, client: client, options: invocation.options, reporter: reporter)
            reporter.finish(writeRequests: client.writeRequests.count, lockWrites: client.lockWriteRequests.count)
            return ApplyResult(
                status: .success, summary: summary, writeRequests: client.writeRequests,
                lockWriteRequests: client.lockWriteRequests, message: nil)
        } catch {
            reporter.finish(writeRequests: client.writeRequests.count, lockWrites: client.lockWriteRequests.count)
            return ApplyResult(
                status: status(for: error), summary: reporter.summary, writeRequests: client.writeRequests,
                lockWriteRequests: client.lockWriteRequests, message: "\(error)")
        }
    }

    /// Reads and validates a plan file (`-` reads standard input).
    public static func loadPlan(_ path: String) throws -> Plan {
        let text: String
        if path == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw PlanFileError(path: path, reason: "cannot read the file")
            }
            text = String(decoding: data, as: UTF8.self)
        }
        let document: JSONValue
        do {
            document = try JanssonCoding.decode(text)
        } catch {
            throw PlanFileError(path: path, reason: "not valid JSON: \(error)")
        }
        do {
            return try PlanValidator.load(document)
        } catch {
            throw PlanFileError(path: path, reason: "\(error)")
        }
    }

    static func status(for error: Error) -> ApplyExitStatus {
        if Interruption.isRequested { return .interrupted }
        switch error {
        case is TransportError:
            return .unreachable
        case let error as ApplyError:
            switch error {
            case .ociUnsupported, .imageUnavailable, .nothingToRun, .missingImage, .unknownImageRemote, .notOwned,
                .missingExternal, .volumeInOtherPool, .clientConfig,
                .fileSource, .hostPath, .deviceNode, .locked, .placement:
                return .refused
            case .sourceChanged:
                return .invalidPlan
            default:
                return .failed
            }
        default:
            return .failed
        }
    }
}

/// A plan file that cannot be used.
public struct PlanFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
