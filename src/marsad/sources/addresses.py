"""Which network addresses the crawler may connect to.

Feeds and their item links come from the open web, so a link (or a redirect) to
``http://127.0.0.1/admin`` or to the cloud metadata service must not be fetched and
published. Addresses are judged after name resolution, never by how the host is spelled:
``2130706433``, ``0x7f000001`` and ``127.1`` all resolve to 127.0.0.1.

:data:`BLOCKED_NETWORKS` is the data: internal, special-purpose and non-unicast ranges.
An :class:`AddressPolicy` adds the operator's exceptions (``MARSAD_ALLOW_PRIVATE_HOSTS``:
host names, addresses or networks) and resolves a host into the addresses that may be
connected to. :mod:`marsad.sources.fetch` connects only to those addresses.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from marsad.errors import ConfigError, InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SETTING = "MARSAD_ALLOW_PRIVATE_HOSTS"

# (network, what it is). The first match names the refusal, so specific ranges come first.
BLOCKED_NETWORKS: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(net), kind)
    for net, kind in (
        ("169.254.169.254/32", "cloud metadata (link-local)"),
        ("0.0.0.0/8", "unspecified ('this network')"),
        ("10.0.0.0/8", "private (RFC 1918)"),
        ("100.64.0.0/10", "shared carrier-grade NAT (RFC 6598)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private (RFC 1918)"),
        ("192.0.0.0/24", "reserved (IETF protocol assignments)"),
        ("192.0.2.0/24", "reserved for documentation"),
        ("192.88.99.0/24", "reserved (6to4 relay anycast)"),
        ("192.168.0.0/16", "private (RFC 1918)"),
        ("198.18.0.0/15", "reserved for benchmarking"),
        ("198.51.100.0/24", "reserved for documentation"),
        ("203.0.113.0/24", "reserved for documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved (incl. broadcast)"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("64:ff9b:1::/48", "reserved (local-use NAT64)"),
        ("100::/64", "reserved (discard-only)"),
        ("2001:db8::/32", "reserved for documentation"),
        ("fc00::/7", "private (unique local)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local (deprecated)"),
        ("ff00::/8", "multicast"),
        ("::/8", "reserved (incl. IPv4-compatible)"),
    )
)

_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9_-]{1,63}(?<!-))*$"
)

# Indirection so that tests can simulate a DNS answer that changes (rebinding).
_getaddrinfo = socket.getaddrinfo


class AddressRefused(InputError):
    """A host resolves to an internal address that the allow-list does not name."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        self.host = host
        self.address = address
        self.kind = kind
        shown = (
            f"address {address}" if _same(host, address) else f"host '{host}' resolves to {address}"
        )
        super().__init__(
            f"{shown}, a {kind} address: marsad does not fetch internal addresses "
            f"(to allow it, add the host name or its network to {SETTING})"
        )


def _same(host: str, address: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")) == ipaddress.ip_address(address)
    except ValueError:
        return False


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4, Teredo), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "IPv4-mapped"
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "NAT64"
    if ip.sixtofour is not None:
        return ip.sixtofour, "6to4"
    if ip.teredo is not None:
        return ip.teredo[1], "Teredo"
    return None


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def blocked_reason(address: str | IPAddress) -> str | None:
    """What kind of internal address ``address`` is ("loopback", …), None if it is public."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ipaddress.IPv6Address(int(ip))  # without a %scope
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = blocked_reason(embedded[0])
            if inner is not None:
                return f"{inner} ({embedded[1]})"
            if ip.ipv4_mapped is not None:
                return None  # ::ffff:8.8.8.8 is 8.8.8.8
    for network, kind in BLOCKED_NETWORKS:
        if ip.version == network.version and ip in network:
            return kind
    return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Internal addresses are refused except for the named hosts and networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_entries(cls, entries: str | Iterable[str] | None) -> AddressPolicy:
        """Read the allow-list: comma-separated host names, addresses or CIDR networks."""
        if entries is None:
            return cls()
        items = entries.split(",") if isinstance(entries, str) else list(entries)
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in items:
            entry = str(raw).strip().lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            name = entry.rstrip(".")
            if not _HOST_NAME.match(name) or name.replace(".", "").isdigit():
                raise ConfigError(
                    f"{SETTING}: {raw!r} is neither a host name nor an address or network "
                    "(write e.g. intranet.example, 10.0.0.5 or 10.0.0.0/8, comma-separated)"
                )
            hosts.add(name)
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, host: str, address: str | IPAddress) -> bool:
        """True if connecting to ``address`` (which ``host`` resolved to) is allowed."""
        return self.refusal(host, address) is None

    def refusal(self, host: str, address: str | IPAddress) -> str | None:
        """Why connecting to ``address`` is refused (its kind), None when it is allowed."""
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        kind = blocked_reason(ip)
        if kind is None or _normal_host(host) in self.hosts:
            return None
        candidates = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        for network in self.networks:
            if any(c.version == network.version and c in network for c in candidates):
                return None
        return kind

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host`` to connect to, all checked; raises AddressRefused if
        any of them is refused (a name with one internal address is not trusted at all).

        Resolution errors (``socket.gaierror``) are left to the caller.
        """
        name = host.strip("[]")
        infos = _getaddrinfo(name, port, type=socket.SOCK_STREAM)
        addresses: list[str] = []
        for info in infos:
            address = str(info[4][0]).split("%", 1)[0]
            kind = self.refusal(host, address)
            if kind is not None:
                raise AddressRefused(name, address, kind)
            if address not in addresses:
                addresses.append(address)
        return addresses


def _normal_host(host: str) -> str:
    return host.strip("[]").lower().rstrip(".")
