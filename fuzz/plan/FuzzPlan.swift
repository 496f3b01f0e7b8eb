import Foundation
import Plan

/// libFuzzer target: arbitrary bytes as a plan file, through what `compose-apply` does before it
/// sends a request: JSON parsing, `Plan(json:)` and `PlanValidator`. Any crash is a bug; a plan that
/// reads back must also survive an encode/decode round trip unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlan(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let document: JSONValue
    do {
        document = try JanssonCoding.decode(text)
    } catch is JSONParseError {
        return 0
    } catch {
        fatalError("decode threw \(type(of: error)): \(error)")
    }
    let plan: Plan
    do {
        plan = try Plan(json: document)
    } catch is PlanError {
        return 0
    } catch {
        fatalError("Plan(json:) threw \(type(of: error)): \(error)")
    }
    let encoded = JanssonCoding.encode(plan.jsonValue)
    do {
        let again = try Plan(json: JanssonCoding.decode(encoded))
        guard JanssonCoding.encode(again.jsonValue) == encoded else { fatalError("plan changed in a round trip") }
    } catch {
        fatalError("an encoded plan does not read back: \(error)")
    }
    do {
        try PlanValidator.validate(plan, document: document)
    } catch is PlanError {
        return 0
    } catch {
        fatalError("PlanValidator threw \(type(of: error)): \(error)")
    }
    return 0
}
