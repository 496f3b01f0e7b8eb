import Foundation

@testable import Apply

/// A transport that records requests and answers every one with an Incus error.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var requests: [String] = []

    var endpointDescription: String { "recording transport" }

    func perform(method: String, path: String, body: Data?, timeoutSeconds: Int) throws -> HTTPResponse {
        lock.lock()
        requests.append("\(method) \(path)")
        lock.unlock()
        let answer = #"{"type":"error","error":"not here","error_code":404}"#
        return HTTPResponse(status: 404, body: Data(answer.utf8))
    }
}
