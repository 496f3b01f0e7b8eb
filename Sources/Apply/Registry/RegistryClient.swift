import CCurl
import Foundation
import Plan

/// Why an image's config could not be read from its registry.
struct RegistryError: Error, CustomStringConvertible, Equatable {
    var reason: String
    var description: String { reason }
}

/// Reads image manifests and configs over the OCI distribution API (HTTPS, anonymous pulls with the
/// registry's bearer-token challenge), the same way for every registry.
///
/// Certificates are checked against the system's CA store, or the bundle named by `SSL_CERT_FILE`
/// (as Go programs such as incusd and skopeo read it).
struct RegistryClient {
    /// A CA bundle to verify registries with instead of the system's.
    var caBundle: String?
    /// The platform architecture (`amd64`) picked from a multi-platform image.
    var architecture: String
    var timeoutSeconds = 30

    private static let manifestTypes = [
        "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
    ]

    /// The config of `reference` (a normalized reference such as `docker.io/library/nginx:latest`).
    func imageConfig(_ reference: String) throws -> OCIImageConfig {
        guard let parsed = RegistryReference(reference) else {
            throw RegistryError(reason: "\"\(reference)\" is not a registry reference (REGISTRY/REPOSITORY[:TAG])")
        }
        var token: String?
        var manifest = try fetchManifest(parsed, parsed.tagOrDigest, token: &token)
        if let platforms = manifest["manifests"]?.arrayValue {
            guard
                let chosen = platforms.first(where: {
                    $0["platform"]?["os"]?.stringValue == "linux"
                        && $0["platform"]?["architecture"]?.stringValue == architecture
                }), let platformDigest = chosen["digest"]?.stringValue
            else {
                throw RegistryError(reason: "the image has no linux/\(architecture) variant")
            }
            manifest = try fetchManifest(parsed, platformDigest, token: &token)
        }
        guard let configDigest = manifest["config"]?["digest"]?.stringValue else {
            throw RegistryError(reason: "the manifest names no config blob")
        }
        let blob = try get(parsed, "/blobs/" + configDigest, accept: nil, token: &token)
        // Incus names an OCI image after its layers, as skopeo lists them (client/oci_images.go).
        let layers = (manifest["layers"]?.arrayValue ?? []).compactMap { $0["digest"]?.stringValue }
        return OCIImageConfig(
            incusFingerprint: SHA256.hexDigest(Array(layers.joined().utf8)),
            blob: try decode(blob.body, what: "image config"))
    }

    private func fetchManifest(_ reference: RegistryReference, _ tagOrDigest: String, token: inout String?) throws
        -> JSONValue
    {
        let response = try get(
            reference, "/manifests/" + tagOrDigest, accept: Self.manifestTypes.joined(separator: ", "), token: &token)
        return try decode(response.body, what: "manifest")
    }

    /// GET `/v2/REPOSITORY` + `path`, answering one bearer-token challenge.
    private func get(_ reference: RegistryReference, _ path: String, accept: String?, token: inout String?) throws
        -> HTTPResponse
    {
        let url = reference.apiBase + "/v2/" + reference.repository + path
        var response = try send(url, accept: accept, token: token)
        if response.status == 401, token == nil, let challenge = response.headers["www-authenticate"] {
            token = try bearerToken(challenge, repository: reference.repository)
            response = try send(url, accept: accept, token: token)
        }
        switch response.status {
        case 200: return response
        case 401, 403: throw RegistryError(reason: "the registry refused anonymous access (HTTP \(response.status))")
        case 404: throw RegistryError(reason: "the registry has no \(reference.repository):\(reference.tagOrDigest)")
        default:
            throw RegistryError(
                reason: "the registry answered HTTP \(response.status) to GET \(url): "
                    + String(decoding: response.body.prefix(300), as: UTF8.self))
        }
    }

    /// A token from the challenge's realm: `Bearer realm="…",service="…",scope="…"`.
    private func bearerToken(_ challenge: String, repository: String) throws -> String {
        guard challenge.lowercased().hasPrefix("bearer ") else {
            throw RegistryError(
                reason: "the registry asks for \(challenge.split(separator: " ").first ?? "") authentication")
        }
        var fields: [String: String] = [:]
        for part in challenge.dropFirst("bearer ".count).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            fields[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = pair[1]
                .trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        }
        guard let realm = fields["realm"], realm.hasPrefix("https://") else {
            throw RegistryError(reason: "the registry's token challenge has no https realm: \(challenge)")
        }
        var query: [String] = []
        if let service = fields["service"] { query.append("service=" + percentEncoded(service)) }
        query.append("scope=" + percentEncoded(fields["scope"] ?? "repository:\(repository):pull"))
        let response = try send(realm + "?" + query.joined(separator: "&"), accept: nil, token: nil)
        guard response.status == 200 else {
            throw RegistryError(reason: "the registry's token service answered HTTP \(response.status)")
        }
        let document = try decode(response.body, what: "token")
        guard let token = document["token"]?.stringValue ?? document["access_token"]?.stringValue else {
            throw RegistryError(reason: "the registry's token service sent no token")
        }
        return token
    }

    private func send(_ url: String, accept: String?, token: String?) throws -> HTTPResponse {
        var headers: [String: String] = [:]
        if let accept { headers["Accept"] = accept }
        if let token { headers["Authorization"] = "Bearer " + token }
        let caBundle = caBundle
        do {
            return try CurlRequest.perform(
                method: "GET", url: url, headers: headers, body: nil, timeoutSeconds: timeoutSeconds
            ) { handle in
                // Blobs are often served from another host (a CDN) through a redirect; libcurl does not
                // send the Authorization header there.
                _ = ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
                _ = ccurl_setopt_long(handle, CURLOPT_MAXREDIRS, 5)
                _ = ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "https")
                _ = ccurl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "https")
                if let caBundle { _ = ccurl_setopt_string(handle, CURLOPT_CAINFO, caBundle) }
            }
        } catch let failure as CurlRequest.Failure {
            throw RegistryError(reason: "cannot reach \(url): \(failure.reason)")
        }
    }

    private func decode(_ body: Data, what: String) throws -> JSONValue {
        do {
            return try JanssonCoding.decode(String(decoding: body, as: UTF8.self))
        } catch {
            throw RegistryError(reason: "the registry sent a \(what) that is not JSON (\(error))")
        }
    }

    private func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }
}
