import XCTest

@testable import Plan

/// `PlanWriter` writes members in the order `codeFields` lists them, so every list must be in the
/// byte order jansson sorts keys in, with every optional field present and in each variant.
final class PlanFieldsTests: XCTestCase {
    /// Records the keys one object's walk names, without descending.
    private struct KeyRecorder: PlanFieldCoder {
        typealias Failure = Never
        var keys: [String] = []
        var holdsImage = false

        mutating func record(_ key: StaticString) { keys.append(key.description) }
        mutating func code(_ key: StaticString, _ value: inout String) { record(key) }
        mutating func code(_ key: StaticString, _ value: inout Int64) { record(key) }
        mutating func code(_ key: StaticString, _ value: inout Bool) { record(key) }
        mutating func code(_ key: StaticString, _ value: inout [String]) { record(key) }
        mutating func code(_ key: StaticString, _ value: inout [String: String]) { record(key) }
        mutating func code(_ key: StaticString, _ value: inout [String: [String: String]]) { record(key) }
        mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout Value) { record(key) }
        mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout [Value]) { record(key) }
        mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout [String: Value]) { record(key) }
        mutating func code(_ key: StaticString, _ value: inout String?) { record(key) }
        mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout Value?) { record(key) }
        mutating func codeUnlessEmpty(_ key: StaticString, _ value: inout [String]) { record(key) }
        mutating func codeUnlessEmpty(_ key: StaticString, _ value: inout [String: String]) { record(key) }
        mutating func code(_ key: StaticString, _ flag: inout Bool, marker: String, otherwise message: String) {
            record(key)
        }
        func holds(_ key: StaticString, whenEncoding: Bool) -> Bool { holdsImage }
    }

    private func keys<Value: PlanCodable>(of value: Value, holdsImage: Bool = false) -> [String] {
        var recorder = KeyRecorder(holdsImage: holdsImage)
        var copy = value
        copy.codeFields(&recorder)
        return recorder.keys
    }

    func testEveryFieldListIsInJanssonKeyOrder() {
        let lists: [(String, [String])] = [
            ("plan", keys(of: Plan.blank)), ("source", keys(of: PlanSource.blank)),
            ("source file", keys(of: PlanSourceFile.blank)), ("project", keys(of: PlanProject.blank)),
            ("network", keys(of: PlanNetwork.blank)), ("volume", keys(of: PlanVolume.blank)),
            ("instance", keys(of: PlanInstance.blank)), ("image", keys(of: PlanImage.blank)),
            ("file", keys(of: PlanFile.blank)), ("healthcheck", keys(of: PlanHealthcheck.blank)),
            ("address placeholder", keys(of: PlanPlaceholder.blank)),
            ("image placeholder", keys(of: PlanPlaceholder.blank, holdsImage: true)),
            ("warning", keys(of: PlanWarning.blank)),
        ]
        for (name, keys) in lists {
            XCTAssertFalse(keys.isEmpty, name)
            XCTAssertEqual(keys, keys.sorted(by: JSONWriter.precedes), name)
            XCTAssertEqual(Set(keys).count, keys.count, name)
        }
        XCTAssertEqual(keys(of: PlanPlaceholder.blank, holdsImage: true), ["image", "pointers", "property"])
    }
}
