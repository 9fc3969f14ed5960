"""Loaded into CLI subprocesses by the network test: records and refuses any non-loopback socket use."""

import os
import socket
import sys

_LOG = os.environ.get("BAIXING_NETGUARD_LOG")
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "", None}


def _is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in _LOOPBACK_NAMES:
        return True
    return isinstance(host, str) and (host.startswith("127.") or host == "::1")


def _violation(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(what + "\n")
    raise OSError(f"network guard: {what}")


def _hook(event: str, args: tuple) -> None:
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            _violation(f"connect {address!r}")
    elif event == "socket.getaddrinfo":
        if not _is_loopback(args[0]):
            _violation(f"getaddrinfo {args[0]!r}")
    elif event == "socket.sendto":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            _violation(f"sendto {address!r}")


if _LOG:
    sys.addaudithook(_hook)
