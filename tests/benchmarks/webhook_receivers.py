"""HTTPS webhook receivers on loopback for the fan-out benchmark: each answers every POST 204 at
once and notes when each `webhook-id` arrived, keeping a sample of requests whole so that their
signatures can be checked after the run (not while it is timed)."""

import datetime
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LOOPBACK = "127.0.0.1"
SAMPLE_EVERY = 50


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written to `directory`."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Rootwise bench receiver")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address(LOOPBACK))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "receiver.pem", directory / "receiver.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def trust_bundle(directory: Path, certificate: Path) -> Path:
    """The system's certificate authorities and `certificate`, for senders' SSL_CERT_FILE: they
    check the receivers' certificate as in production, and load as many authorities to do it."""
    defaults = ssl.get_default_verify_paths()
    system = Path(defaults.cafile or defaults.openssl_cafile).read_bytes()
    bundle = directory / "authorities.pem"
    bundle.write_bytes(system + b"\n" + certificate.read_bytes())
    return bundle


class _TLSServer(ThreadingHTTPServer):
    """The TLS handshake happens in each connection's own thread, not in the accepting one."""

    request_queue_size = 128  # senders connect at once: the default backlog of 5 would drop some

    def __init__(self, handler, context: ssl.SSLContext):
        super().__init__((LOOPBACK, 0), handler)
        self.context = context

    def finish_request(self, request, client_address):
        try:
            connection = self.context.wrap_socket(request, server_side=True)
        except OSError:  # ssl.SSLError included: a sender gave up on the handshake
            return
        try:
            self.RequestHandlerClass(connection, client_address, self)
        finally:
            connection.close()


class Receiver:
    """One endpoint's receiver: `arrivals` are (webhook-id, time.time()) in order of arrival."""

    def __init__(self, cert_path: Path, key_path: Path):
        self.arrivals: list[tuple[str, float]] = []
        self.samples: list[tuple[bytes, dict]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                arrived = time.time()
                webhook_id = self.headers.get("webhook-id", "")
                with receiver._lock:
                    receiver.arrivals.append((webhook_id, arrived))
                    if len(receiver.arrivals) % SAMPLE_EVERY == 1:
                        receiver.samples.append((body, dict(self.headers)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        self.server = _TLSServer(Handler, context)
        self.url = f"https://{LOOPBACK}:{self.server.server_port}/hooks/rootwise"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def distinct(self) -> int:
        with self._lock:
            return len({webhook_id for webhook_id, _ in self.arrivals})

    def first_arrivals(self) -> dict[str, float]:
        first: dict[str, float] = {}
        with self._lock:
            for webhook_id, arrived in self.arrivals:
                first.setdefault(webhook_id, arrived)
        return first

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)
