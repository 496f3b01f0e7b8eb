import CCurl
import Foundation

/// One HTTP exchange with the Incus server, as the client sees it.
public struct HTTPResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The raw response body.
    public var body: Data
    /// Response headers, names lowercased (`etag`, `x-incus-mode`, …).
    public var headers: [String: String]

    public init(status: Int, body: Data, headers: [String: String] = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
    }
}

/// Something that can carry one HTTP request to Incus; the real one is `CurlTransport`.
public protocol HTTPTransport: Sendable {
    /// Sends `method path` (path includes the query string) with an optional JSON body.
    func perform(method: String, path: String, body: Data?, timeoutSeconds: Int) throws -> HTTPResponse
    /// The same with extra request headers (`If-Match`, `X-Incus-uid`, a `Content-Type` other than JSON).
    func perform(method: String, path: String, body: Data?, headers: [String: String], timeoutSeconds: Int) throws
        -> HTTPResponse
    /// A human-readable name of the server endpoint, for error messages.
    var endpointDescription: String { get }
    /// Where an operation's websockets connect (exec's streams); `nil` for a transport that has none.
    var webSocketEndpoint: IncusEndpoint? { get }
}

extension HTTPTransport {
    /// Transports that know no headers (test doubles) ignore them.
    public func perform(method: String, path: String, body: Data?, headers: [String: String], timeoutSeconds: Int)
        throws -> HTTPResponse
    {
        try perform(method: method, path: path, body: body, timeoutSeconds: timeoutSeconds)
    }

    /// Test doubles carry no websockets.
    public var webSocketEndpoint: IncusEndpoint? { nil }
}

/// A request that never reached the server (connection refused, TLS failure, timeout).
public struct TransportError: Error, CustomStringConvertible, Sendable {
    /// What was being sent, e.g. `GET /1.0`.
    public var request: String
    /// The endpoint that could not be reached.
    public var endpoint: String
    /// libcurl's explanation.
    public var reason: String

    public var description: String {
        "cannot reach Incus at \(endpoint) (\(request)): \(reason). "
            + "Is incusd running? Choose the server with --socket, $INCUS_SOCKET, $INCUS_DIR or --remote."
    }
}

/// HTTP over libcurl, to a unix socket or an HTTPS remote with a TLS client certificate.
public final class CurlTransport: HTTPTransport, @unchecked Sendable {
    private let endpoint: IncusEndpoint

    /// Prepares a transport for `endpoint`; no connection is made until the first request.
    public init(endpoint: IncusEndpoint) {
        self.endpoint = endpoint
    }

    public var endpointDescription: String { endpoint.description }

    public var webSocketEndpoint: IncusEndpoint? { endpoint }

    public func perform(method: String, path: String, body: Data?, timeoutSeconds: Int) throws -> HTTPResponse {
        try perform(method: method, path: path, body: body, headers: [:], timeoutSeconds: timeoutSeconds)
    }

    public func perform(method: String, path: String, body: Data?, headers extra: [String: String], timeoutSeconds: Int)
        throws -> HTTPResponse
    {
        var requestHeaders = ["Content-Type": "application/json"]
        requestHeaders.merge(extra) { _, given in given }
        let url: String
        switch endpoint {
        case .unixSocket: url = "http://incus" + path
        case .https(let base, _, _, _): url = base + path
        }
        let endpoint = endpoint
        do {
            return try CurlRequest.perform(
                method: method, url: url, headers: requestHeaders, body: body, timeoutSeconds: timeoutSeconds
            ) { handle in
                switch endpoint {
                case .unixSocket(let socketPath):
                    _ = ccurl_setopt_string(handle, CURLOPT_UNIX_SOCKET_PATH, socketPath)
                case .https(_, let certificate, let key, let serverCertificate):
                    _ = ccurl_setopt_string(handle, CURLOPT_SSLCERT, certificate)
                    _ = ccurl_setopt_string(handle, CURLOPT_SSLKEY, key)
                    if let serverCertificate {
                        // A pinned self-signed server certificate: trust exactly it, whatever its host name.
                        _ = ccurl_setopt_string(handle, CURLOPT_CAINFO, serverCertificate)
                        _ = ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
                    }
                }
            }
        } catch let failure as CurlRequest.Failure {
            throw TransportError(request: "\(method) \(path)", endpoint: endpointDescription, reason: failure.reason)
        }
    }
}

/// One HTTP request through libcurl: the part the Incus transport and the registry client share.
enum CurlRequest {
    /// The request did not complete (connection, TLS, timeout): libcurl's reason.
    struct Failure: Error {
        var reason: String
    }

    /// Sends one request; `configure` sets what is particular to the caller (socket, certificates).
    static func perform(
        method: String, url: String, headers: [String: String], body: Data?, timeoutSeconds: Int,
        configure: (UnsafeMutableRawPointer) -> Void
    ) throws -> HTTPResponse {
        _ = initializeOnce
        guard let handle = curl_easy_init() else { throw Failure(reason: "curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }
        let sink = ResponseSink()
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        defer { curl_slist_free_all(headerList) }
        _ = ccurl_setopt_string(handle, CURLOPT_URL, url)
        configure(handle)
        _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT, timeoutSeconds)
        _ = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, 10)
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer)
        _ = ccurl_setopt_write_function(handle) { data, size, count, context in
            guard let data, let context else { return 0 }
            let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
            sink.data.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count)
            return size * count
        }
        _ = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer)
        _ = ccurl_setopt_header_function(handle) { data, size, count, context in
            guard let data, let context else { return 0 }
            let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
            let line = String(
                decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
            // A redirect's headers are followed by the next response's: keep the last response's only.
            if line.hasPrefix("HTTP/") { sink.headers = [:] }
            if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                sink.headers[name] = value
            }
            return size * count
        }

        // An empty body still needs a valid pointer, or libcurl would read the body from stdin.
        let payload = (body?.isEmpty ?? true) ? Data([0]) : body ?? Data()
        let code: CURLcode = payload.withUnsafeBytes { bytes in
            if let body {
                _ = ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
                _ = ccurl_setopt_pointer(
                    handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            throw Failure(reason: curl_easy_strerror(code).map { String(cString: $0) } ?? "curl error \(code.rawValue)")
        }
        var status = 0
        _ = ccurl_getinfo_response_code(handle, &status)
        return HTTPResponse(status: status, body: sink.data, headers: sink.headers)
    }

    private static let initializeOnce: Void = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
    }()
}

/// Collects the response body written by libcurl's callback.
private final class ResponseSink {
    var data = Data()
    var headers: [String: String] = [:]
}
