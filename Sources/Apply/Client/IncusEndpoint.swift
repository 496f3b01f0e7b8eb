import Foundation

/// Where the Incus server is reached.
public enum IncusEndpoint: Equatable, Sendable, CustomStringConvertible {
    /// The local REST socket.
    case unixSocket(path: String)
    /// An HTTPS remote authenticated by a TLS client certificate; `serverCertificate` pins a
    /// self-signed server certificate when the client config has one.
    case https(url: String, clientCertificate: String, clientKey: String, serverCertificate: String?)

    public var description: String {
        switch self {
        case .unixSocket(let path): return "unix socket \(path)"
        case .https(let url, _, _, _): return url
        }
    }

    /// Chooses the endpoint the way the incus client does: `--remote NAME` from the client config,
    /// else `--socket`, else `$INCUS_SOCKET`, else `$INCUS_DIR/unix.socket`, else the system socket.
    public static func resolve(socket: String?, remote: String?, environment: [String: String]) throws -> IncusEndpoint
    {
        if let remote {
            return try IncusClientConfig.load(environment: environment).endpoint(
                forRemote: remote, environment: environment)
        }
        return .unixSocket(path: defaultSocket(explicit: socket, environment: environment))
    }

    /// The unix socket path from `--socket`, `$INCUS_SOCKET`, `$INCUS_DIR` or the system default.
    public static func defaultSocket(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let socket = environment["INCUS_SOCKET"], !socket.isEmpty { return socket }
        if let directory = environment["INCUS_DIR"], !directory.isEmpty { return directory + "/unix.socket" }
        return "/var/lib/incus/unix.socket"
    }
}

/// A remote from the incus client's config.yml.
public struct IncusRemote: Equatable, Sendable {
    public var name: String
    public var address: String
    /// `incus`, `simplestreams` or `oci`.
    public var serverProtocol: String
}

/// The incus client's configuration directory: `$INCUS_CONF`, else `~/.config/incus`.
public struct IncusClientConfig: Sendable {
    /// The directory holding config.yml, client.crt, client.key and servercerts/.
    public var directory: String
    /// Remotes by name.
    public var remotes: [String: IncusRemote]

    /// Reads config.yml; a missing file gives only the built-in `local` remote.
    public static func load(environment: [String: String]) throws -> IncusClientConfig {
        let directory: String
        if let configured = environment["INCUS_CONF"], !configured.isEmpty {
            directory = configured
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            directory = home + "/.config/incus"
        }
        var remotes = ["local": IncusRemote(name: "local", address: "unix://", serverProtocol: "incus")]
        let path = directory + "/config.yml"
        if FileManager.default.fileExists(atPath: path) {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ApplyError.clientConfig(path: path, reason: "cannot read it: \(error.localizedDescription)")
            }
            let document: SimpleYAML
            do {
                document = try SimpleYAML.parse(text)
            } catch {
                throw ApplyError.clientConfig(path: path, reason: "\(error)")
            }
            if case .mapping(let members)? = document["remotes"] {
                for (name, remote) in members {
                    guard let address = remote["addr"]?.scalar else { continue }
                    remotes[name] = IncusRemote(
                        name: name, address: address, serverProtocol: remote["protocol"]?.scalar ?? "incus")
                }
            }
        }
        return IncusClientConfig(directory: directory, remotes: remotes)
    }

    /// The endpoint to manage the server of remote `name`.
    public func endpoint(forRemote name: String, environment: [String: String]) throws -> IncusEndpoint {
        guard let remote = remotes[name] else {
            let known = remotes.keys.sorted().joined(separator: ", ")
            throw ApplyError.clientConfig(
                path: directory + "/config.yml", reason: "no remote named \"\(name)\" (known: \(known))")
        }
        if remote.address.hasPrefix("unix://") {
            let path = String(remote.address.dropFirst("unix://".count))
            return .unixSocket(path: IncusEndpoint.defaultSocket(explicit: path, environment: environment))
        }
        guard remote.address.hasPrefix("https://") else {
            throw ApplyError.clientConfig(
                path: directory + "/config.yml",
                reason:
                    "remote \"\(name)\" has address \(remote.address); only unix:// and https:// servers can be managed"
            )
        }
        let certificate = directory + "/client.crt"
        let key = directory + "/client.key"
        for file in [certificate, key] where !FileManager.default.fileExists(atPath: file) {
            throw ApplyError.clientConfig(
                path: file,
                reason: "missing TLS client credential for remote \"\(name)\" (run `incus remote add` first)")
        }
        let serverCertificate = directory + "/servercerts/\(name).crt"
        let address = remote.address.hasSuffix("/") ? String(remote.address.dropLast()) : remote.address
        return .https(
            url: address, clientCertificate: certificate, clientKey: key,
            serverCertificate: FileManager.default.fileExists(atPath: serverCertificate) ? serverCertificate : nil)
    }
}
