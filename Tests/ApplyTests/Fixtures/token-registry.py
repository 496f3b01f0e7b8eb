#!/usr/bin/env python3
"""A registry on 127.0.0.1 that answers like Docker Hub does, for RegistryClientTests.

Manifests and blobs need a bearer token from /token (the WWW-Authenticate challenge names it); the tag
is a multi-platform index; the config blob is served through a redirect to another path, as Hub sends
blobs to its CDN. Usage: token-registry.py CERT KEY; prints the port and the fingerprint Incus gives
the amd64 image (the SHA-256 of its layer digests one after the other) on the first line of stdout.
"""
import hashlib
import json
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "token-for-library-app"
CONFIG = json.dumps({"config": {"Entrypoint": ["/docker-entrypoint.sh"], "Cmd": ["app", "--serve"],
                                "Env": ["PATH=/usr/bin"],
                                "Healthcheck": {"Test": ["CMD-SHELL", "app --check"], "Interval": 2000000000,
                                                "Retries": 4}}}).encode()
CONFIG_DIGEST = "sha256:" + hashlib.sha256(CONFIG).hexdigest()
AMD64 = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                               "digest": CONFIG_DIGEST, "size": len(CONFIG)},
                    "layers": [{"digest": "sha256:" + "1" * 64}, {"digest": "sha256:" + "2" * 64}]}).encode()
FINGERPRINT = hashlib.sha256(("sha256:" + "1" * 64 + "sha256:" + "2" * 64).encode()).hexdigest()
AMD64_DIGEST = "sha256:" + hashlib.sha256(AMD64).hexdigest()
INDEX = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
    {"digest": "sha256:" + "0" * 64, "platform": {"os": "linux", "architecture": "arm64"}},
    {"digest": AMD64_DIGEST, "platform": {"os": "linux", "architecture": "amd64"}},
]}).encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]
        if self.path.startswith("/token?"):
            scope_ok = "scope=repository%3Alibrary%2Fapp%3Apull" in self.path and "service=test-registry" in self.path
            return self.send(200 if scope_ok else 400, json.dumps({"token": TOKEN}).encode())
        if self.path == "/cdn/config":
            if self.headers.get("Authorization"):
                return self.send(400, b"the CDN must not get the token")
            return self.send(200, CONFIG)
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            challenge = (f'Bearer realm="https://127.0.0.1:{port}/token",service="test-registry",'
                         'scope="repository:library/app:pull"')
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {"WWW-Authenticate": challenge})
        if self.path == "/v2/library/app/manifests/1":
            return self.send(200, INDEX, {"Content-Type": "application/vnd.oci.image.index.v1+json"})
        if self.path == "/v2/library/app/manifests/" + AMD64_DIGEST:
            return self.send(200, AMD64, {"Content-Type": "application/vnd.oci.image.manifest.v1+json",
                                          "Docker-Content-Digest": AMD64_DIGEST})
        if self.path == "/v2/library/app/blobs/" + CONFIG_DIGEST:
            return self.send(307, b"", {"Location": f"https://localhost:{port}/cdn/config"})
        return self.send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], FINGERPRINT, flush=True)
server.serve_forever()
