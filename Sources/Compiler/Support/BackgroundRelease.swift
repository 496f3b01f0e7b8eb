import Dispatch

/// Frees a whole model tree on another thread. A stage that has made a new model from an old one
/// would otherwise free the old one, node by node, before the next stage can start; where the
/// next stages run on one core, the other core does it meanwhile.
enum BackgroundRelease {
    private static let queue = DispatchQueue(label: "compose-compile.release", qos: .utility)

    /// Takes `node` away from the caller, leaving an empty scalar at its position, and frees it
    /// on the release queue once nothing else refers to it.
    static func release(_ node: inout YAMLNode) {
        let box = Box(node)
        node = YAMLNode(.scalar(YAMLScalar("")), at: node.location)
        queue.async { box.drop() }
    }

    /// The only reference to the tree, so dropping it frees the tree on the queue's thread.
    private final class Box: @unchecked Sendable {
        var node: YAMLNode

        init(_ node: YAMLNode) {
            self.node = node
        }

        func drop() {
            node = YAMLNode(.scalar(YAMLScalar("")), at: node.location)
        }
    }
}
