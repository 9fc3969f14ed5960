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


def _in_networks(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in net for net in networks if ip.version == net.version)


def trusted_networks(proxies: list[str] | tuple[str, ...]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The configured proxy addresses/networks (``security.trusted_proxies``); unparsable entries are skipped."""
    out: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for entry in proxies:
        try:
            out.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return out


def client_address(peer: str | None, forwarded_for: str | None, proxies: list[str] | tuple[str, ...] = ()) -> str:
    """The address a request really comes from.

    ``X-Forwarded-For`` is believed only when the TCP peer is one of the configured reverse proxies; then the
    rightmost entry that is not itself a trusted proxy is the client (entries further left were written by the
    client and can be forged). Without trusted proxies the peer is the client, whatever the header says.
    """
    peer = (peer or "").strip()
    networks = trusted_networks(proxies)
    if not networks or not peer or not _in_networks(peer, networks) or not forwarded_for:
        return peer or UNKNOWN_ADDRESS
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in_networks(hop, networks):
            return hop[:128]
    return hops[0][:128] if hops else peer


def forwarded_https(peer: str | None, proto: str | None, proxies: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether a trusted proxy says the client used HTTPS (``X-Forwarded-Proto: https``)."""
    networks = trusted_networks(proxies)
    return bool(networks and peer and _in_networks(peer, networks) and (proto or "").split(",")[0].strip() == "https")
