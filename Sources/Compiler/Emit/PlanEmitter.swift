import Plan

/// The emit stage: a plan as the exact bytes `compose-compile` prints.
public enum PlanEmitter {
    /// Sorted keys, two-space indentation, one trailing newline: the same plan gives the same bytes.
    public static func emit(_ plan: Plan) -> String {
        JanssonCoding.encode(plan.jsonValue)
    }
}
