"""Where a webhook may be delivered: the guard against server-side request forgery (SSRF).

Rules (checked when an endpoint is registered and again at every delivery):

- the URL is `https://` with a host, no user or password, no fragment, at most 2000 characters;
  WEBHOOKS_ALLOW_INSECURE (the development default) also allows `http://`;
- when WEBHOOKS_ALLOWED_HOSTS is set, the host is one of those names;
- the host resolves, and every address it resolves to is public (`ipaddress.is_global`, not
  multicast): no private range (10/8, 172.16/12, 192.168/16, fc00::/7), loopback (127/8, ::1),
  link-local (169.254/16 with the cloud metadata address, fe80::/10), shared (100.64/10) or reserved
  address, also when written as an IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) or 6to4
  (2002::/16) IPv6 address; WEBHOOKS_ALLOW_INSECURE also allows loopback addresses.

A delivery connects to the address it has just checked (resolve once, connect to that IP, the host
name sent as Host and as the TLS server name), so a DNS answer that changes between the check and the
connection (DNS rebinding) cannot send it elsewhere; redirects are never followed.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from codevance_api.core.errors import ValidationFailed

from .models import URL_MAX_LENGTH

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_6TO4 = ipaddress.ip_network("2002::/16")


class AddressRefused(ValidationFailed):
    """The URL may not receive webhooks: 400 on the field `url`, code `url_not_allowed` (a rule of this module
    broken) or `url_unresolvable` (the host does not resolve: a typo, or a name not yet published)."""

    default_code = "url_not_allowed"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message, field="url", code=code)


@dataclass(frozen=True)
class Target:
    """A checked destination: connect to `ip`:`port`, send `host_header` as Host and `path` as the target."""

    scheme: str
    host: str
    port: int
    path: str
    ip: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def _embedded_ipv4(address):
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4), else the address itself."""
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address in _6TO4:
            return ipaddress.IPv4Address((int(address) >> 80) & 0xFFFFFFFF)
    return address


def address_allowed(ip: str, *, allow_loopback: bool) -> bool:
    """Whether a delivery may connect to `ip` (a textual IPv4 or IPv6 address, an IPv6 zone allowed):
    a public address, or a loopback one when `allow_loopback`. Raises nothing (not an address: False)."""
    try:
        address = _embedded_ipv4(ipaddress.ip_address(ip.split("%", 1)[0]))
    except ValueError:
        return False
    if address.is_loopback:
        return allow_loopback
    return address.is_global and not address.is_multicast


def _parse(url: str):
    if len(url) > URL_MAX_LENGTH:
        raise AddressRefused(_("A webhook URL has at most %(max)s characters.") % {"max": URL_MAX_LENGTH})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        # urllib's reasons are English ("Port out of range 0-65535"): the rule is said in the client's language.
        if "port" in str(error).lower():
            raise AddressRefused(_("A webhook URL's port is a whole number from 0 to 65535."))
        raise AddressRefused(_("Not a valid URL."))
    insecure = settings.WEBHOOKS_ALLOW_INSECURE
    schemes = ("https", "http") if insecure else ("https",)
    if parts.scheme not in schemes:
        raise AddressRefused(
            _("A webhook URL starts with https:// or http://.") if insecure
            else _("A webhook URL starts with https:// (DJANGO_ENV=production).")
        )
    if not parts.hostname:
        raise AddressRefused(_("A webhook URL names a host."))
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(_("A webhook URL may not carry a user name or password."))
    if parts.fragment:
        raise AddressRefused(_("A webhook URL has no fragment (#...)."))
    if any(ord(character) < 33 for character in url):
        raise AddressRefused(_("A webhook URL has no spaces or control characters."))
    port = port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname.lower(), port, path


def resolve(url: str) -> Target:
    """Check `url` against the rules of this module and resolve its host once.

    Result: a Target with the first address the host resolves to (every address it resolves to was
    checked). Raises AddressRefused (400, field `url`): `url_not_allowed` naming the rule broken,
    `url_unresolvable` for a host that does not resolve (issue 16, point 5).
    """
    scheme, host, port, path = _parse(url)
    allowed_hosts = [name.lower() for name in settings.WEBHOOKS_ALLOWED_HOSTS if name]
    if allowed_hosts and host not in allowed_hosts:
        raise AddressRefused(_("Webhooks may only go to these hosts: %(hosts)s.") % {"hosts": ", ".join(allowed_hosts)})
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        # The resolver's reason is English and says nothing a client can act on beyond this.
        raise AddressRefused(_("The host %(host)s does not resolve.") % {"host": host}, code="url_unresolvable")
    addresses = list(dict.fromkeys(answer[4][0] for answer in answers))
    if not addresses:
        raise AddressRefused(_("The host %(host)s does not resolve.") % {"host": host}, code="url_unresolvable")
    allow_loopback = settings.WEBHOOKS_ALLOW_INSECURE
    refused = [address for address in addresses if not address_allowed(address, allow_loopback=allow_loopback)]
    if refused:
        message = (
            _("The host %(host)s resolves to %(address)s, which is not a public or loopback address: webhooks are "
              "not delivered to private, link-local or reserved networks.") if allow_loopback
            else _("The host %(host)s resolves to %(address)s, which is not a public address: webhooks are not "
                   "delivered to private, link-local or reserved networks.")
        )
        raise AddressRefused(message % {"host": host, "address": refused[0]})
    return Target(scheme=scheme, host=host, port=port, path=path, ip=addresses[0])
