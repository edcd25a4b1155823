"""One POST to a checked webhook target (api/events/ssrf.py), connected to the address that
was checked, with the URL's host name in the Host header and, for https, in TLS's SNI and
certificate check. A redirect is an answer like any other: never followed."""

import functools
import http.client
import socket
import ssl

from api.events.ssrf import Target


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One per process: building it loads the system's certificate authorities, about 25 ms of
    CPU, which was once spent again on every delivery (docs/performance.md). A change to the
    system's authorities is seen once the worker restarts."""
    return ssl.create_default_context()


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=_tls_context())
        self._address = target.address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: Target, body: bytes, headers: dict, *, timeout: float) -> int:
    """The receiver's status code; OSError (timeouts included) if there was none."""
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # a receiver's body is never kept
        return response.status
    except http.client.HTTPException as error:
        raise ConnectionError(type(error).__name__) from None
    finally:
        connection.close()
