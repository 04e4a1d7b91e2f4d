"""The crawler never fetches internal addresses unless they are named in the allow-list.

Every check is on the *resolved* address, so 127.0.0.1 spelled as a number, in hex or
shortened is refused like the dotted form; the local server counts every request that
reaches it, so "refused" means no request at all.
"""

from __future__ import annotations

import socket

import pytest
from localserver import ARTICLE_HTML, LocalServer, send

from marsad.config import load_settings
from marsad.errors import ConfigError, InputError, MarsadError
from marsad.sources import addresses
from marsad.sources.addresses import AddressPolicy, blocked_reason
from marsad.sources.crawl import FeedRecord, crawl_once
from marsad.sources.fetch import Fetcher, InternalAddressError, UnsafeURLError


def spellings(port: int, path: str) -> list[str]:
    """127.0.0.1 as a dotted quad, a 32-bit number, hex, shortened, IPv4-mapped IPv6."""
    hosts = ["127.0.0.1", "2130706433", "0x7f000001", "127.1", "[::ffff:127.0.0.1]"]
    return [f"http://{host}:{port}{path}" for host in hosts]


def strict_fetcher(*allowed: str) -> Fetcher:
    return Fetcher(delay=0, retries=0, timeout=0.5, allow_private_hosts=allowed, trust_env=False)


# -- which addresses are internal -------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.254", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("169.254.169.254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.7", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fc00::1", "unique local"),
        ("fd00:ec2::254", "unique local"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("::ffff:10.0.0.1", "private"),
        ("::127.0.0.1", "reserved"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("2001:db8::1", "documentation"),
    ],
)
def test_internal_addresses_are_blocked_with_their_kind(address, kind):
    reason = blocked_reason(address)
    assert reason is not None and kind in reason


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.216.34", "2001:4860:4860::8888", "::ffff:8.8.8.8"]
)
def test_public_addresses_are_not_blocked(address):
    assert blocked_reason(address) is None


def test_allow_list_takes_names_and_networks_and_refuses_nonsense():
    policy = AddressPolicy.from_entries(" Intranet.Example. , 10.0.0.0/8,192.168.1.5,fd00::/8 ")
    assert policy.hosts == frozenset({"intranet.example"})
    assert policy.allows("intranet.example", "127.0.0.1")
    assert policy.allows("other.example", "10.9.8.7")
    assert policy.allows("x", "192.168.1.5") and not policy.allows("x", "192.168.1.6")
    assert not policy.allows("other.example", "127.0.0.1")
    for bad in ("10.0.0.0/33", "http://intranet/", "a b", "-x-"):
        with pytest.raises(ConfigError, match="MARSAD_ALLOW_PRIVATE_HOSTS"):
            AddressPolicy.from_entries(bad)


def test_setting_comes_from_the_environment_or_the_config_file(tmp_path):
    env = {"MARSAD_DATA_DIR": str(tmp_path), "MARSAD_ALLOW_PRIVATE_HOSTS": "intranet, 10.0.0.0/8"}
    assert load_settings(env).allow_private_hosts == ("intranet", "10.0.0.0/8")
    (tmp_path / "config.toml").write_text('allow_private_hosts = ["wiki.lan", "192.168.0.0/16"]')
    assert load_settings({"MARSAD_DATA_DIR": str(tmp_path)}).allow_private_hosts == (
        "wiki.lan",
        "192.168.0.0/16",
    )
    assert load_settings({"MARSAD_DATA_DIR": str(tmp_path / "none")}).allow_private_hosts == ()
    with pytest.raises(ConfigError, match="MARSAD_ALLOW_PRIVATE_HOSTS"):
        load_settings({"MARSAD_DATA_DIR": str(tmp_path), "MARSAD_ALLOW_PRIVATE_HOSTS": "1.2.3/99"})


# -- the fetcher ------------------------------------------------------------------------


def test_every_spelling_of_loopback_is_refused_without_a_request(server: LocalServer):
    with strict_fetcher() as fetcher:
        for url in spellings(server.httpd.server_port, "/page"):
            with pytest.raises(InternalAddressError, match="loopback") as err:
                fetcher.fetch(url)
            assert isinstance(err.value, UnsafeURLError)
            assert isinstance(err.value, InputError) and isinstance(err.value, MarsadError)
            assert "MARSAD_ALLOW_PRIVATE_HOSTS" in str(err.value)
    assert server.hits == []


def test_localhost_by_name_is_refused_by_default(server: LocalServer):
    with strict_fetcher() as fetcher, pytest.raises(InternalAddressError, match="loopback"):
        fetcher.fetch(f"http://localhost:{server.httpd.server_port}/page")
    assert server.hits == []


def test_allow_list_lets_a_named_host_through_and_only_it(server: LocalServer):
    port = server.httpd.server_port
    with strict_fetcher("localhost") as fetcher:
        page = fetcher.fetch(f"http://localhost:{port}/page")
        assert "لافروف في دمشق" in page.content.decode()
        with pytest.raises(InternalAddressError):
            fetcher.fetch(f"http://127.0.0.1:{port}/page")
    assert server.count("/page") == 1


def test_allow_list_network_admits_every_spelling_of_its_addresses(server: LocalServer):
    with strict_fetcher("127.0.0.0/8") as fetcher:
        for url in spellings(server.httpd.server_port, "/page")[:4]:
            assert fetcher.fetch(url).status == 200
    assert server.count("/page") == 4


def test_redirect_from_an_allowed_host_to_an_internal_one_is_refused(server: LocalServer):
    port = server.httpd.server_port
    targets = spellings(port, "/private-admin")
    for i, target in enumerate(targets):
        server.routes[f"/jump/{i}"] = lambda h, t=target: send(h, 302, headers={"Location": t})
    server.routes["/private-admin"] = lambda h: send(h, 200, "أسرار داخلية".encode())
    with strict_fetcher("localhost") as fetcher:
        for i in range(len(targets)):
            with pytest.raises(InternalAddressError, match="loopback"):
                fetcher.fetch(f"http://localhost:{port}/jump/{i}")
    assert server.count("/private-admin") == 0
    assert server.count("/jump/0") == 1


def test_dns_rebinding_between_check_and_connect_is_refused_at_connect(server, monkeypatch):
    """The name resolves to a public address when checked, then to 127.0.0.1: the
    connection is made only to an address that was checked, so nothing reaches us."""
    port = server.httpd.server_port
    answers = iter(["93.184.216.34"])

    def rebinding(host, port_, *args, **kwargs):
        if host != "news.rebind.test":
            return socket.getaddrinfo(host, port_, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port_))]

    monkeypatch.setattr(addresses, "_getaddrinfo", rebinding)
    with strict_fetcher() as fetcher, pytest.raises(InternalAddressError, match="loopback"):
        fetcher.fetch(f"http://news.rebind.test:{port}/page")
    assert server.hits == []


# -- the crawl --------------------------------------------------------------------------


class _Store:
    def __init__(self, feeds: list[FeedRecord]) -> None:
        self.feeds = {f.id: f for f in feeds}
        self.stored: list[str] = []

    def list_feeds(self) -> list[FeedRecord]:
        return list(self.feeds.values())

    def update_feed_status(self, feed_id, *, etag, last_modified, success, error) -> None:
        feed = self.feeds[feed_id]
        feed.last_error = error
        feed.error_count = 0 if error is None else feed.error_count + 1

    def seen_url(self, url: str) -> bool:
        return url in self.stored

    def ingest_page(self, html, url, feed, item, encoding) -> int:
        self.stored.append(url)
        return 1


def test_feed_items_linking_to_internal_addresses_are_refused_without_a_request(server):
    port = server.httpd.server_port
    links = spellings(port, "/internal/status")
    links.append(f"http://localhost:{port}/news/1")
    body = "".join(
        f"<item><title>خبر {i}</title><link>{link}</link></item>" for i, link in enumerate(links)
    )
    rss = f'<rss version="2.0"><channel><title>وكالة</title>{body}</channel></rss>'.encode()
    server.routes["/rss.xml"] = lambda h: send(h, 200, rss, {"Content-Type": "application/rss+xml"})
    server.routes["/internal/status"] = lambda h: send(h, 200, "لوحة داخلية".encode())
    server.routes["/news/1"] = lambda h: send(h, 200, ARTICLE_HTML.format(title="خبر").encode())
    store = _Store([FeedRecord(1, f"http://localhost:{port}/rss.xml", "وكالة")])

    with strict_fetcher("localhost") as fetcher:
        report = crawl_once(store, fetcher, store.ingest_page).feeds[0]

    assert server.count("/internal/status") == 0
    assert store.stored == [f"http://localhost:{port}/news/1"]
    refused = dict(report.item_errors)
    assert set(refused) == set(links[:-1])
    assert all("loopback" in reason for reason in refused.values())


def test_internal_feed_url_is_recorded_as_the_feeds_last_error(server):
    store = _Store([FeedRecord(7, f"http://2130706433:{server.httpd.server_port}/rss", "داخلي")])
    with strict_fetcher() as fetcher:
        report = crawl_once(store, fetcher, store.ingest_page)
    assert "loopback" in report.feeds[0].error
    assert "loopback" in store.feeds[7].last_error and store.feeds[7].error_count == 1
    assert server.hits == []
