"""Where a webhook may be sent (docs/webhooks.md): an `https` URL (plain `http` only with
DEBUG on) whose host resolves to public addresses only, unless the endpoint allows its
practice's private network. Checked at registration and again at each delivery, against the
answer DNS gives then; the delivery connects to the very address checked (api/events/http.py),
so a name that changes its answer in between (DNS rebinding) cannot redirect it."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


class RefusedURL(ValueError):
    """A URL webhooks are not sent to; the message says why, naming no address."""


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to for it."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def check(url: str, *, allow_private_network: bool) -> Target:
    """The target for `url`, or RefusedURL."""
    parts = urlsplit(url)
    allowed_schemes = {"https", "http"} if settings.DEBUG else {"https"}
    if parts.scheme not in allowed_schemes:
        raise RefusedURL("Webhooks are sent to https URLs only.")
    if parts.username or parts.password:
        raise RefusedURL("A webhook URL carries no user name or password.")
    host = parts.hostname
    if not host:
        raise RefusedURL("A webhook URL names a host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedURL("The webhook URL's port is not a number between 0 and 65535.") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    address = resolve(host, port, allow_private_network=allow_private_network)
    return Target(parts.scheme, host, port, path, address)


def resolve(host: str, port: int, *, allow_private_network: bool) -> str:
    """One address `host` resolves to now, if every address it resolves to may be reached."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedURL("The webhook URL's host does not resolve.") from None
    addresses = [answer[4][0] for answer in answers]
    if not addresses:
        raise RefusedURL("The webhook URL's host does not resolve.")
    for address in addresses:
        if not reachable(address, allow_private_network=allow_private_network):
            raise RefusedURL(
                "The webhook URL's host resolves to a private, loopback, link-local or reserved "
                "address; only an endpoint allowed the practice's private network may use one."
            )
    return addresses[0]


def reachable(address: str, *, allow_private_network: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone is no part of it
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_multicast or ip.is_unspecified:
        return False
    if allow_private_network:
        return True
    return ip.is_global and not (
        ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved
    )
