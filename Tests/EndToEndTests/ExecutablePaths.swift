import Foundation
import TestHelpers
import XCTest

/// The package's executables (`compose-compile`, `compose-apply`), built next to the test bundle
/// by `swift test`.
enum ExecutablePaths {
    static func find(_ name: String) throws -> String {
        let candidates = [
            Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle(for: EndToEndTestCase.self).bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ].map { $0.appendingPathComponent(name).path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw EnvironmentError(message: "\(name) not found next to the tests (looked at \(candidates))")
        }
        return found
    }
}
