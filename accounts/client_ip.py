"""The address a request comes from, as the login lockout counts it (`AXES_CLIENT_IP_CALLABLE`).

Behind a reverse proxy every request reaches the app from the proxy's address, and the client's is in
a header the proxy appends to (`X-Forwarded-For: <what the client sent>, <the client's address>`).
Only what a proxy we trust wrote can be believed: the header is read only when the direct peer
(`REMOTE_ADDR`) is one of `settings.TRUSTED_PROXIES`, and then from the right, skipping further
trusted proxies, up to the first address that is not one. Everything left of it was written by the
client and is ignored. With no trusted proxies (the default) the header is never read.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: Address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def parse_address(text: str | None) -> Address | None:
    """An address as proxies write it ("203.0.113.5", "203.0.113.5:4711", "[2001:db8::1]:4711",
    "::ffff:203.0.113.5"); None when it is none ("unknown", garbage, empty)."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest) -> str | None:
    peer = parse_address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    if not _trusted(peer):
        return str(peer)
    nearest = peer  # the nearest hop we believe: the client's address, or a proxy's when none is given
    for hop in reversed(request.META.get(settings.CLIENT_IP_HEADER, "").split(",")):
        address = parse_address(hop)
        if address is None:
            break  # a trusted proxy always writes an address: what follows came from the client
        nearest = address
        if not _trusted(address):
            break
    return str(nearest)
