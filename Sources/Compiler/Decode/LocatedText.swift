extension YAMLNode {
    /// The text of a string, number or boolean scalar with its position; `nil` for null and for
    /// other kinds, which the keys read this way leave to later stages.
    var locatedText: Located<String>? { scalarText.map { Located($0, at: location) } }
}
