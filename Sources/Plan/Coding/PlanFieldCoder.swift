/// A walk over the fields of one plan object, each named by its JSON key.
///
/// Every plan type lists its fields once, in `PlanCodable.codeFields`, in byte order of their keys
/// (the order jansson writes them in): `PlanEncoder` walks that list reading each value into a
/// JSON object, `PlanWriter` writing each straight into JSON text, and `PlanDecoder` setting each
/// value from a JSON object, so the plan's field names and kinds are written in one place.
protocol PlanFieldCoder {
    /// What a step of the walk can throw: `Never` for encoding, `PlanError` for decoding.
    associatedtype Failure: Error

    mutating func code(_ key: StaticString, _ value: inout String) throws(Failure)
    mutating func code(_ key: StaticString, _ value: inout Int64) throws(Failure)
    mutating func code(_ key: StaticString, _ value: inout Bool) throws(Failure)
    mutating func code(_ key: StaticString, _ value: inout [String]) throws(Failure)
    /// An Incus config map: an object of strings.
    mutating func code(_ key: StaticString, _ value: inout [String: String]) throws(Failure)
    /// An instance's devices: an object of objects of strings.
    mutating func code(_ key: StaticString, _ value: inout [String: [String: String]]) throws(Failure)
    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout Value) throws(Failure)
    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout [Value]) throws(Failure)
    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout [String: Value]) throws(Failure)

    /// A field that is absent when `nil`.
    mutating func code(_ key: StaticString, _ value: inout String?) throws(Failure)
    /// An object field that is absent when `nil`.
    mutating func code<Value: PlanCodable>(_ key: StaticString, _ value: inout Value?) throws(Failure)
    /// A field absent when empty (decoded as empty when absent).
    mutating func codeUnlessEmpty(_ key: StaticString, _ value: inout [String]) throws(Failure)
    /// A field absent when empty (decoded as empty when absent).
    mutating func codeUnlessEmpty(_ key: StaticString, _ value: inout [String: String]) throws(Failure)
    /// A flag written as the string `marker` when set and absent otherwise; decoding any other
    /// string fails with `message`.
    mutating func code(_ key: StaticString, _ flag: inout Bool, marker: String, otherwise message: String)
        throws(Failure)

    /// Which of two shapes an object has: `whenEncoding` while encoding, whether the object holds
    /// `key` while decoding.
    func holds(_ key: StaticString, whenEncoding: Bool) -> Bool
}

/// A plan type whose fields a `PlanFieldCoder` walks.
protocol PlanCodable {
    /// The value decoding starts from, every field then set from the document.
    static var blank: Self { get }

    /// Codes every field, in byte order of their keys.
    mutating func codeFields<Coder: PlanFieldCoder>(_ coder: inout Coder) throws(Coder.Failure)
}
