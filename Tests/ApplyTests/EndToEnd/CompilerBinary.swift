import Foundation
import XCTest

/// `compose-compile`, built next to the test bundle by `swift test`.
enum CompilerBinary {
    static func path() throws -> String {
        let candidates = [
            Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ].map { $0.appendingPathComponent("compose-compile").path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw EnvironmentError(message: "compose-compile not found next to the tests (looked at \(candidates))")
        }
        return found
    }
}
