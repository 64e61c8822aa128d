"""The client's address, as far as the configured proxies can be trusted."""

from django.conf import settings


def client_ip(request) -> str:
    """The address of whoever sent the request, read from `X-Forwarded-For` only as far as we trust it.

    Each trusted proxy (Heroku's router is one) appends the address it received the connection
    from, so with `TRUSTED_PROXY_COUNT = n` the client is the n-th address from the right. Anything
    further left was written by the client and could be anything, so it is never used. With no
    trusted proxy the header is ignored altogether and the socket's address is the client.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(proxies, len(addresses))]
