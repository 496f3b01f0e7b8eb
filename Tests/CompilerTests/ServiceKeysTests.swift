import XCTest

@testable import Compiler

/// Every service key the compose specification names is mapped, resolved by the loader, without
/// effect, or warned about: a key added to the specification (ComposeSchema) without a decision
/// here fails this test instead of being dropped silently.
final class ServiceKeysTests: XCTestCase {
    func testEveryServiceKeyOfTheSpecificationHasOneTreatment() throws {
        guard case .object(let service) = ComposeSchema.service else { return XCTFail("service is not a mapping") }
        let specification = Set(service.properties.keys)
        let tables: [(String, Set<String>)] = [
            ("mapped", UnsupportedKeys.mapped), ("resolvedByLoader", UnsupportedKeys.resolvedByLoader),
            ("withoutEffect", Set(UnsupportedKeys.withoutEffect.keys)), ("reasons", Set(UnsupportedKeys.reasons.keys)),
        ]
        var seen: [String: String] = [:]
        for (table, keys) in tables {
            for key in keys.sorted() {
                XCTAssertTrue(specification.contains(key), "\(table) names '\(key)', which the specification lacks")
                if let other = seen.updateValue(table, forKey: key) {
                    XCTFail("'\(key)' is both in \(other) and in \(table)")
                }
            }
        }
        XCTAssertEqual(specification.subtracting(seen.keys).sorted(), [], "keys with no treatment")
        XCTAssertEqual(specification.count, 93)
    }
}
