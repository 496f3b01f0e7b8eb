import Foundation
import XCTest

/// The project's executables, built next to the test bundle by `swift test`.
enum CompilerBinary {
    /// `compose-compile`.
    static func path() throws -> String { try product("compose-compile") }

    /// `compose-apply`.
    static func applyPath() throws -> String { try product("compose-apply") }

    private static func product(_ name: String) throws -> String {
        let candidates = [
            Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ].map { $0.appendingPathComponent(name).path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw EnvironmentError(message: "\(name) not found next to the tests (looked at \(candidates))")
        }
        return found
    }
}
