import Foundation
import XCTest

@testable import Plan

/// The plan's fields as docs/plan.schema.json names them and as `Plan.jsonValue` writes them are the
/// same: every object the schema describes gets, over the golden plans read and written again, each
/// of its properties and no other.
final class PlanSchemaTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private func read(_ relativePath: String) throws -> JSONValue {
        let url = Self.root.appendingPathComponent(relativePath)
        return try JanssonCoding.decode(String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    func testSchemaPropertiesAreTheFieldsThePlanWrites() throws {
        let schema = try read("docs/plan.schema.json")
        let definitions = schema["$defs"]?.objectValue ?? [:]
        var properties: [String: Set<String>] = [:]
        // Objects that take no key beside their named ones; others (a config map with some keys
        // named) take any.
        var closed: Set<String> = []
        // Paths as `.instances.*.devices`: `*` for any key of a map, `[]` for any item of a list.
        func describe(_ node: JSONValue, at path: String, depth: Int = 0) {
            guard depth < 32 else { return XCTFail("schema nests too deep at \(path)") }
            var node = node
            while let reference = node["$ref"]?.stringValue,
                let definition = definitions[String(reference.split(separator: "/").last ?? "")]
            {
                node = definition
            }
            for key in ["oneOf", "anyOf", "allOf"] {
                for alternative in node[key]?.arrayValue ?? [] { describe(alternative, at: path, depth: depth + 1) }
            }
            if let named = node["properties"]?.objectValue {
                if node["additionalProperties"]?.boolValue == false { closed.insert(path) }
                properties[path, default: []].formUnion(named.keys)
                for (name, value) in named { describe(value, at: path + "." + name, depth: depth + 1) }
            }
            if let additional = node["additionalProperties"], additional.objectValue != nil {
                describe(additional, at: path + ".*", depth: depth + 1)
            }
            if let items = node["items"], items.objectValue != nil {
                describe(items, at: path + "[]", depth: depth + 1)
            }
        }
        describe(schema, at: "")
        XCTAssertGreaterThan(properties.count, 5, "the schema describes the plan's objects")

        var written: [String: Set<String>] = [:]
        func observe(_ value: JSONValue, at path: String) {
            switch value {
            case .object(let members) where properties[path] != nil:
                written[path, default: []].formUnion(members.keys)
                for (name, member) in members { observe(member, at: path + "." + name) }
            case .object(let members):
                for member in members.values { observe(member, at: path + ".*") }
            case .array(let items):
                for item in items { observe(item, at: path + "[]") }
            default:
                break
            }
        }
        let golden = Self.root.appendingPathComponent("golden")
        let cases = try FileManager.default.contentsOfDirectory(atPath: golden.path).sorted()
        for name in cases where FileManager.default.fileExists(atPath: golden.path + "/\(name)/plan.json") {
            let plan = try Plan(json: try read("golden/\(name)/plan.json"))
            observe(plan.jsonValue, at: "")
        }
        for path in properties.keys.sorted() {
            let named = properties[path] ?? []
            let seen = written[path] ?? []
            XCTAssertEqual(
                named.subtracting(seen).sorted(), [], "\(path): in the schema, never written (add a golden case)")
            if closed.contains(path) {
                XCTAssertEqual(seen.subtracting(named).sorted(), [], "\(path): written, not in the schema")
            }
        }
    }
}
