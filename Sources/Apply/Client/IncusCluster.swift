import Plan

/// One member of an Incus cluster, as `GET /1.0/cluster/members` describes it.
public struct ClusterMember: Sendable, Equatable {
    /// `server_name`: what `?target=` takes.
    public var name: String
    /// `Online`, `Offline`, `Evacuated`, …
    public var status: String
    /// The cluster groups it belongs to (`@GROUP` targets).
    public var groups: [String]

    /// A member as `GET /1.0/cluster/members` lists it.
    public init(name: String, status: String, groups: [String]) {
        self.name = name
        self.status = status
        self.groups = groups
    }
}

extension IncusClient {
    /// The members of the cluster the server belongs to, sorted by name.
    public func clusterMembers() throws -> [ClusterMember] {
        let list = try get(
            "/1.0/cluster/members?recursion=1", action: "list cluster members", resource: "of the cluster")
        return (list.arrayValue ?? []).map { member in
            ClusterMember(
                name: member["server_name"]?.stringValue ?? "", status: member["status"]?.stringValue ?? "",
                groups: (member["groups"]?.arrayValue ?? []).compactMap(\.stringValue))
        }.sorted { $0.name < $1.name }
    }
}
