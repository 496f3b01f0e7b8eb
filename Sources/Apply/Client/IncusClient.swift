import Foundation
import Plan

/// A thread-safe client for the Incus REST API (`/1.0`).
///
/// Every call names the action and resource it serves so that a failure reads like
/// "create instance web-1 (project demo) failed: Incus says: …". Writes (anything but GET)
/// are counted, which is how tests prove that a re-apply changes nothing.
public final class IncusClient: @unchecked Sendable {
    let transport: HTTPTransport
    /// How long one request may take, in seconds (operation waits excepted).
    public var requestTimeout = 60
    /// How long a background operation may take before apply gives up, in seconds.
    public var operationTimeout = 600
    private let lock = NSLock()
    private var writes: [String] = []
    private var lockWrites: [String] = []

    /// A client sending every request through `transport`.
    public init(transport: HTTPTransport) {
        self.transport = transport
    }

    /// The server endpoint, for messages.
    public var endpointDescription: String { transport.endpointDescription }

    /// Whether the server is reached through a unix socket, so that it runs on this machine.
    public var isLocal: Bool {
        if case .unixSocket? = transport.webSocketEndpoint { return true }
        return false
    }

    /// Every write request sent so far (`METHOD path`), in order.
    public var writeRequests: [String] {
        lock.lock()
        defer { lock.unlock() }
        return writes
    }

    /// Writes that only took or released the apply lock (`user.compose.lock`); not in `writeRequests`.
    public var lockWriteRequests: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lockWrites
    }

    /// The `metadata` of a GET; throws `IncusError` (404 included) on failure.
    public func get(_ path: String, project: String? = nil, action: String, resource: String) throws -> JSONValue {
        try request("GET", path, project: project, body: nil, action: action, resource: resource)
    }

    /// The `metadata` of a GET, or `nil` when the resource does not exist.
    public func getIfExists(_ path: String, project: String? = nil, action: String, resource: String) throws
        -> JSONValue?
    {
        do {
            return try get(path, project: project, action: action, resource: resource)
        } catch let error as IncusError where error.isNotFound {
            return nil
        }
    }

    /// Sends a write request and, when Incus answers with a background operation, waits for it.
    @discardableResult
    public func send(
        _ method: String, _ path: String, project: String? = nil, body: JSONValue?, action: String, resource: String
    ) throws -> JSONValue {
        try request(method, path, project: project, body: body, action: action, resource: resource)
    }

    func request(
        _ method: String, _ path: String, project: String?, body: JSONValue?, action: String, resource: String,
        timeout: Int? = nil
    ) throws -> JSONValue {
        try exchange(method, path, project: project, body: body, action: action, resource: resource, timeout: timeout)
            .metadata
    }

    /// Any JSON request, with extra headers; returns the metadata and the response headers. `lockWrite`
    /// counts the write among the lock's writes instead of `writeRequests`; `probe` marks a request
    /// that changes nothing the plan describes (a health check's exec), counted nowhere.
    /// `waitForOperation: false` returns a background operation's own document instead of waiting.
    func exchange(
        _ method: String, _ path: String, project: String?, body: JSONValue?, headers: [String: String] = [:],
        action: String, resource: String, timeout: Int? = nil, lockWrite: Bool = false, probe: Bool = false,
        waitForOperation: Bool = true
    ) throws -> (metadata: JSONValue, headers: [String: String]) {
        let fullPath = IncusClient.withProject(path, project: project)
        if !probe { recordWrite(method, fullPath, lockWrite: lockWrite) }
        let payload = body.map { Data(JanssonCoding.encode($0, compact: true).utf8) }
        let response = try transport.perform(
            method: method, path: fullPath, body: payload, headers: headers, timeoutSeconds: timeout ?? requestTimeout)
        return (
            try decode(
                response, method: method, fullPath: fullPath, action: action, resource: resource,
                waitForOperation: waitForOperation),
            response.headers
        )
    }

    private func recordWrite(_ method: String, _ fullPath: String, lockWrite: Bool) {
        guard method != "GET" else { return }
        lock.lock()
        if lockWrite {
            lockWrites.append("\(method) \(fullPath)")
        } else {
            writes.append("\(method) \(fullPath)")
        }
        lock.unlock()
    }

    /// A request whose body is raw bytes (the file API): returns the raw response; an error answer
    /// (a JSON error document or a status outside 2xx) throws `IncusError`.
    func rawRequest(
        _ method: String, _ path: String, project: String?, body: Data?, headers: [String: String], action: String,
        resource: String, probe: Bool = false
    ) throws -> HTTPResponse {
        let fullPath = IncusClient.withProject(path, project: project)
        if !probe { recordWrite(method, fullPath, lockWrite: false) }
        let response = try transport.perform(
            method: method, path: fullPath, body: body, headers: headers, timeoutSeconds: requestTimeout)
        let isJSON = response.headers["content-type"]?.hasPrefix("application/json") ?? false
        if isJSON || !(200..<300).contains(response.status) {
            // Errors, sync answers to writes and directory listings are JSON documents.
            let metadata = try decode(response, method: method, fullPath: fullPath, action: action, resource: resource)
            return HTTPResponse(
                status: response.status, body: Data(JanssonCoding.encode(metadata, compact: true).utf8),
                headers: response.headers)
        }
        return response
    }

    private func decode(
        _ response: HTTPResponse, method: String, fullPath: String, action: String, resource: String,
        waitForOperation: Bool = true
    ) throws -> JSONValue {
        let document: JSONValue
        do {
            document = try JanssonCoding.decode(String(decoding: response.body, as: UTF8.self))
        } catch {
            let snippet = String(decoding: response.body.prefix(200), as: UTF8.self)
            if response.status == 404 {
                throw IncusError(action: action, resource: resource, message: "not found", statusCode: 404)
            }
            throw ApplyError.unexpectedResponse(
                request: "\(method) \(fullPath)", detail: "HTTP \(response.status), body \"\(snippet)\"")
        }
        switch document["type"]?.stringValue {
        case "error":
            let code = document["error_code"]?.integerValue.map { Int($0) } ?? response.status
            throw IncusError(
                action: action, resource: resource, message: document["error"]?.stringValue ?? "unknown error",
                statusCode: code)
        case "async":
            guard let operation = document["operation"]?.stringValue else {
                throw ApplyError.unexpectedResponse(
                    request: "\(method) \(fullPath)", detail: "async answer without operation")
            }
            guard waitForOperation else { return document }
            return try self.waitForOperation(operation, action: action, resource: resource)
        default:
            guard (200..<300).contains(response.status) else {
                throw IncusError(
                    action: action, resource: resource, message: "HTTP status \(response.status)",
                    statusCode: response.status)
            }
            return document["metadata"] ?? .null
        }
    }

    /// Appends `project=NAME` to a path, keeping any query it has.
    static func withProject(_ path: String, project: String?) -> String {
        guard let project else { return path }
        let encoded = project.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? project
        return path + (path.contains("?") ? "&" : "?") + "project=" + encoded
    }
}
