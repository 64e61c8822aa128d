"""Server-side request forgery: where a webhook may be registered and delivered (webhooks/addresses.py)."""

import pytest

from codevance_api.webhooks.addresses import AddressRefused, address_allowed, resolve

PRIVATE_OR_SPECIAL_URLS = [
    "https://10.0.0.1/hook",
    "https://10.255.255.255/hook",
    "https://172.16.0.1/hook",
    "https://172.31.255.254:8443/hook",
    "https://192.168.0.10/hook",
    "https://192.168.255.1/hook",
    "https://127.0.0.1/hook",
    "https://127.8.9.10/hook",
    "https://[::1]/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fe80::1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    "https://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
    "https://[2002:a00:1::]/hook",  # 6to4 of 10.0.0.1
    "https://[fc00::1]/hook",
    "https://100.64.0.1/hook",  # carrier-grade NAT
    "https://0.0.0.0/hook",
    "https://[::]/hook",
    "https://224.0.0.1/hook",  # multicast
    "https://2130706433/hook",  # 127.0.0.1 as one number
    "https://0x7f.1/hook",  # 127.0.0.1 in hexadecimal, shortened
    "https://127.1/hook",
    "https://012.0.0.1/hook",  # 10.0.0.1 in octal
]


@pytest.mark.parametrize("url", PRIVATE_OR_SPECIAL_URLS)
def test_production_refuses_private_loopback_link_local_and_reserved_addresses(production_addresses, fake_dns, url):
    with pytest.raises(AddressRefused) as refused:
        resolve(url)
    assert refused.value.code == "url_not_allowed" and refused.value.field == "url"


@pytest.mark.parametrize(
    "name, addresses",
    [
        ("internal.example.com", ["10.1.2.3"]),
        ("metadata.example.com", ["169.254.169.254"]),
        ("db.example.com", ["172.20.0.5"]),
        ("home.example.com", ["192.168.1.1"]),
        ("loop.example.com", ["127.0.0.1"]),
        ("loop6.example.com", ["::1"]),
        ("mapped.example.com", ["::ffff:192.168.1.1"]),
        # One private address among public ones is enough to refuse (the connection could go to any).
        ("mixed.example.com", ["93.184.216.34", "10.0.0.9"]),
    ],
)
def test_production_refuses_host_names_resolving_to_private_addresses(production_addresses, fake_dns, name, addresses):
    fake_dns({name: addresses})
    with pytest.raises(AddressRefused) as refused:
        resolve(f"https://{name}/hook")
    assert "is not a public address" in refused.value.message


@pytest.mark.parametrize(
    "url, rule",
    [
        ("http://hooks.example.com/hook", "starts with https://"),
        ("ftp://hooks.example.com/hook", "starts with https://"),
        ("https://user:secret@hooks.example.com/hook", "user name or password"),
        ("https:///hook", "names a host"),
        ("https://hooks.example.com/hook#part", "no fragment"),
        ("https://hooks.example.com:99999/hook", "port is a whole number from 0 to 65535"),
        ("https://[::1/hook", "Not a valid URL."),
        ("https://no-such-host.example.com/hook", "does not resolve"),
        ("https://hooks.example.com/" + "a" * 2000, "at most 2000 characters"),
        ("https://hooks.example.com/a b", "no spaces"),
    ],
)
def test_production_refuses_malformed_or_insecure_urls(production_addresses, fake_dns, url, rule):
    fake_dns({"hooks.example.com": ["93.184.216.34"]})
    with pytest.raises(AddressRefused) as refused:
        resolve(url)
    assert rule in refused.value.message


def test_production_accepts_https_to_a_public_address_and_keeps_the_resolved_one(production_addresses, fake_dns):
    fake_dns({"hooks.example.com": ["93.184.216.34", "2606:2800:220:1::1"]})
    target = resolve("https://Hooks.Example.com:8443/codevance?tenant=7")
    expected = ("https", "hooks.example.com", 8443, "/codevance?tenant=7")
    assert (target.scheme, target.host, target.port, target.path) == expected
    assert target.ip == "93.184.216.34"
    assert target.host_header == "hooks.example.com:8443"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/hook", "http://localhost:8000/hook", "http://[::1]:9/x",
                                 "https://127.0.0.1/hook"])
def test_development_also_accepts_http_and_loopback(settings, fake_dns, url):
    settings.WEBHOOKS_ALLOW_INSECURE = True
    fake_dns({"localhost": ["127.0.0.1"]})
    assert resolve(url).ip in ("127.0.0.1", "::1")


@pytest.mark.parametrize("url", ["http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data/",
                                 "http://192.168.1.1/", "http://[::ffff:10.0.0.1]/", "http://172.16.0.1/"])
def test_development_still_refuses_private_and_link_local_addresses(settings, fake_dns, url):
    settings.WEBHOOKS_ALLOW_INSECURE = True
    with pytest.raises(AddressRefused):
        resolve(url)


def test_allowed_hosts_refuse_any_other_host_before_resolving_it(settings, monkeypatch):
    settings.WEBHOOKS_ALLOWED_HOSTS = ["hooks.example.com"]

    def no_lookup(*args, **kwargs):
        raise AssertionError("a refused host must not be looked up")

    monkeypatch.setattr("codevance_api.webhooks.addresses.socket.getaddrinfo", no_lookup)
    with pytest.raises(AddressRefused) as refused:
        resolve("https://elsewhere.example.com/hook")
    assert "only go to these hosts: hooks.example.com" in refused.value.message


@pytest.mark.parametrize("ip, allowed", [("8.8.8.8", True), ("2001:4860:4860::8888", True), ("::ffff:8.8.8.8", True),
                                         ("10.0.0.1", False), ("not an address", False)])
def test_address_allowed_is_public_only_without_loopback(ip, allowed):
    assert address_allowed(ip, allow_loopback=False) is allowed


@pytest.mark.parametrize("profile", ["production", "development"])
def test_a_host_that_does_not_resolve_has_its_own_code(settings, fake_dns, profile):
    settings.WEBHOOKS_ALLOW_INSECURE = profile == "development"
    with pytest.raises(AddressRefused) as refused:
        resolve("https://no-such-host.example.com/hook")
    assert refused.value.code == "url_unresolvable" and refused.value.field == "url"
    assert "no-such-host.example.com does not resolve" in refused.value.message


def test_a_host_that_resolves_to_no_address_is_unresolvable(fake_dns):
    fake_dns({"empty.example.com": []})
    with pytest.raises(AddressRefused) as refused:
        resolve("https://empty.example.com/hook")
    assert refused.value.code == "url_unresolvable"


@pytest.mark.parametrize("url,message", [
    ("http://127.0.0.1:99999/z", "A porta de uma URL de webhook é um número inteiro de 0 a 65535."),
    ("http://127.0.0.1:abc/z", "A porta de uma URL de webhook é um número inteiro de 0 a 65535."),
    ("http://[::1/z", "URL inválida."),
])
def test_a_malformed_url_is_refused_in_the_clients_language(portuguese, url, message):
    with pytest.raises(AddressRefused) as caught:
        resolve(url)
    assert caught.value.message == message
