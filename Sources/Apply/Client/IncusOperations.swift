import Foundation
import Plan

extension IncusClient {
    /// Waits for a background operation (`/1.0/operations/ID`) to finish and returns its metadata.
    ///
    /// Each wait request asks the server to hold the answer for up to 30 s; apply keeps asking until
    /// the operation ends or `operationTimeout` has passed. A failed operation throws `IncusError`
    /// with Incus's message.
    func waitForOperation(_ operation: String, action: String, resource: String) throws -> JSONValue {
        let deadline = Date().addingTimeInterval(TimeInterval(operationTimeout))
        let slice = 30
        while true {
            let metadata = try request(
                "GET", operation + "/wait?timeout=\(slice)", project: nil, body: nil, action: action,
                resource: resource, timeout: slice + 30)
            let status = metadata["status"]?.stringValue ?? ""
            switch status {
            case "Success":
                return metadata
            case "Failure", "Cancelled":
                let code = metadata["status_code"]?.integerValue.map { Int($0) } ?? 400
                let message = metadata["err"]?.stringValue ?? status
                throw IncusError(
                    action: action, resource: resource, message: message.isEmpty ? status : message, statusCode: code)
            default:
                if Date() >= deadline {
                    throw IncusError(
                        action: action, resource: resource,
                        message:
                            "operation \(operation) still \(status.isEmpty ? "running" : status) after \(operationTimeout) s",
                        statusCode: 504)
                }
            }
        }
    }
}
