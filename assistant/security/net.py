"""Client addresses as rate-limit keys."""

from __future__ import annotations

import ipaddress

UNKNOWN_ADDRESS = "unknown"
IPV6_PREFIX = 64


def address_key(address: str | None) -> str:
    """The bucket of a client address: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 by its /64 network.

    One IPv6 customer usually holds a whole /64, so limiting single IPv6 addresses would be no limit at all.
    Anything unparsable (a host name, empty, None) is kept as given, trimmed; None/empty → ``"unknown"``.
    """
    text = (address or "").strip()
    if not text:
        return UNKNOWN_ADDRESS
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0].strip("[]"))
    except ValueError:
        return text[:128]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)
