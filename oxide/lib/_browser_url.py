"""Origin parsing for the browser toolset's tab URLs, without httpx.

The SDK projects each tab URL to its origin through `httpx2.URL(f"{scheme}://{authority}")`:
the host lowercased and IDNA-encoded, IPv4/IPv6 literals validated, the port parsed and the
scheme's default port dropped. oxide has no httpx, so this module applies the same rules to
the same input (a scheme and an authority without userinfo, path, query or fragment), and
raises `ValueError` wherever httpx2 raises `InvalidURL`: the toolset turns either into
"Browser state report failed."
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple

__all__ = ["Origin", "parse_origin"]

_MAX_URL_LENGTH = 65536
# httpx2's AUTHORITY_REGEX with no userinfo: a bracketed IPv6 literal or a run without ':'/'@'.
_AUTHORITY = re.compile(r"(?P<host>(\[.*\]|[^:@]*)):?(?P<port>.*)?")
_IPV4_STYLE = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$")
_IPV6_STYLE = re.compile(r"^\[.*\]$")
_PERCENT_ENCODED = re.compile("%[A-Fa-f0-9]{2}")
_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
_HOST_SAFE = _UNRESERVED + "!$&'()*+,;=" + '"`{}%|\\'
_DEFAULT_PORTS = {"ftp": 21, "http": 80, "https": 443, "ws": 80, "wss": 443}


class Origin(NamedTuple):
    scheme: str
    host: str  # lowercase, IDNA-encoded; an IPv6 literal without brackets
    port: int | None  # None for the scheme's default port

    @property
    def netloc(self) -> str:
        host = f"[{self.host.replace('%', '%25')}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"


def _percent_encoded(text: str) -> str:
    return "".join(
        char if char in _HOST_SAFE else "".join(f"%{b:02X}" for b in char.encode("utf-8"))
        for char in text
    )


def _quote_host(host: str) -> str:
    # Existing %xx escapes are kept as they are; everything else unsafe is escaped.
    parts: list[str] = []
    position = 0
    for match in _PERCENT_ENCODED.finditer(host):
        parts.append(_percent_encoded(host[position : match.start()]))
        parts.append(match.group(0))
        position = match.end()
    parts.append(_percent_encoded(host[position:]))
    return "".join(parts)


def _encode_host(host: str) -> str:
    if not host:
        return ""
    if _IPV4_STYLE.match(host):
        try:
            ipaddress.IPv4Address(host)
        except ipaddress.AddressValueError:
            raise ValueError(f"Invalid IPv4 address: {host!r}") from None
        return host
    if _IPV6_STYLE.match(host):
        address, percent, zone = host[1:-1].partition("%")
        if len(zone) > 2:  # RFC 6874 writes the zone's "%" as "%25"
            zone = zone.removeprefix("25")
        try:
            ipaddress.IPv6Address(address + percent + zone)
        except ipaddress.AddressValueError:
            raise ValueError(f"Invalid IPv6 address: {host!r}") from None
        return address + percent + zone
    if host.isascii():
        return _quote_host(host.lower())
    import idna  # aiohttp's yarl depends on it; loaded only for non-ASCII hosts

    try:
        return str(idna.encode(host.lower()).decode("ascii"))
    except idna.IDNAError:
        raise ValueError(f"Invalid IDNA hostname: {host!r}") from None


def _normalize_port(port: str | None, scheme: str) -> int | None:
    if port is None or port == "":
        return None
    try:
        number = int(port)
    except ValueError:
        raise ValueError(f"Invalid port: {port!r}") from None
    return None if number == _DEFAULT_PORTS.get(scheme) else number


def parse_origin(scheme: str, authority: str) -> Origin:
    """The origin of `{scheme}://{authority}` as `httpx2.URL` reads it; `authority` holds no
    userinfo, path, query or fragment."""
    url = f"{scheme}://{authority}"
    if len(url) > _MAX_URL_LENGTH:
        raise ValueError("URL too long")
    if any(char.isascii() and not char.isprintable() for char in url):
        raise ValueError("Invalid non-printable ASCII character in URL")
    match = _AUTHORITY.match(authority)
    assert match is not None  # every string matches: both groups may be empty
    lowered = scheme.lower()
    # The default port is looked up with the scheme as given, as httpx2 does.
    return Origin(lowered, _encode_host(match["host"]), _normalize_port(match["port"], scheme))
