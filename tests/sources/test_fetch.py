"""The fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
import time

import pytest
from localserver import LAST_MODIFIED, LOCAL, LocalServer, send

from marsad.errors import InputError, MarsadError
from marsad.sources.feeds import parse_feed
from marsad.sources.fetch import (
    BodyTooLarge,
    Fetcher,
    FetchTimeout,
    HTTPStatusError,
    RobotsDisallowed,
    TooManyRedirects,
    UnsafeURLError,
    check_url,
)


def test_fetch_returns_content_final_url_and_header_charset(server, fetcher):
    result = fetcher.fetch(server.url("/page"))
    assert result.status == 200
    assert "لافروف في دمشق" in result.content.decode("utf-8")
    assert result.final_url == server.url("/page")
    assert result.not_modified is False
    cp = fetcher.fetch(server.url("/page-cp1256"))
    assert cp.encoding == "windows-1256"
    assert cp.content.decode(cp.encoding) == "<p>دمشق سانا</p>"


def test_fetched_feed_parses_with_arabic_titles(server, fetcher):
    result = fetcher.fetch(server.url("/feeds/rss20.xml"))
    feed = parse_feed(result.content, result.final_url)
    assert feed.title == "الجزيرة نت - أخبار"
    assert feed.items[0].title.startswith("الأمين العام للأمم المتحدة")


def test_conditional_get_with_etag_returns_not_modified(server, fetcher):
    first = fetcher.fetch(server.url("/feeds/rss20.xml"))
    assert first.etag and first.content
    second = fetcher.fetch(server.url("/feeds/rss20.xml"), etag=first.etag)
    assert second.not_modified is True
    assert second.status == 304
    assert second.content == b""
    assert second.etag == first.etag
    assert server.hits[-1].headers["if-none-match"] == first.etag


def test_conditional_get_with_last_modified_returns_not_modified(server, fetcher):
    first = fetcher.fetch(server.url("/lm-only/rss20.xml"))
    assert first.etag is None
    assert first.last_modified == LAST_MODIFIED
    second = fetcher.fetch(server.url("/lm-only/rss20.xml"), last_modified=first.last_modified)
    assert second.not_modified is True
    assert second.last_modified == LAST_MODIFIED


def test_robots_disallow_is_respected_and_robots_is_fetched_once(server, fetcher):
    with pytest.raises(RobotsDisallowed) as err:
        fetcher.fetch(server.url("/private/secret"))
    assert "robots.txt" in err.value.reason
    assert server.count("/private/secret") == 0
    fetcher.fetch(server.url("/page"))
    fetcher.fetch(server.url("/page"))
    assert server.count("/robots.txt") == 1


def test_robots_group_for_marsad_user_agent_applies(server, fetcher):
    server.routes["/robots.txt"] = lambda h: send(
        h, 200, b"User-agent: marsad\nDisallow: /page\n\nUser-agent: *\nDisallow:\n"
    )
    with pytest.raises(RobotsDisallowed):
        fetcher.fetch(server.url("/page"))


def test_missing_robots_allows_everything(server, fetcher):
    del server.routes["/robots.txt"]
    assert fetcher.fetch(server.url("/private/secret")).content == b"secret"


def test_robots_server_error_means_disallow(server, fetcher):
    server.routes["/robots.txt"] = lambda h: send(h, 503, b"")
    with pytest.raises(RobotsDisallowed, match="503"):
        fetcher.fetch(server.url("/page"))
    assert server.count("/page") == 0


def test_redirect_chain_is_followed(server):
    with Fetcher(delay=0, max_redirects=10, allow_private_hosts=LOCAL, trust_env=False) as fetcher:
        result = fetcher.fetch(server.url("/chain/0"))
    assert result.final_url == server.url("/page")
    assert result.url == server.url("/chain/0")


def test_redirect_loop_is_stopped_with_clear_error(server, fetcher):
    with pytest.raises(TooManyRedirects, match="redirect loop"):
        fetcher.fetch(server.url("/loop/a"))
    assert server.count("/loop/a") == 1


def test_long_redirect_chain_is_capped(server, fetcher):
    with pytest.raises(TooManyRedirects, match="more than 5 redirects"):
        fetcher.fetch(server.url("/chain/0"))
    assert server.count("/chain/5") == 1
    assert server.count("/chain/6") == 0


def test_redirect_to_file_scheme_is_refused(server, fetcher):
    with pytest.raises(UnsafeURLError, match="scheme 'file'"):
        fetcher.fetch(server.url("/to-file"))


def test_server_error_then_success_is_retried(server, fetcher):
    result = fetcher.fetch(server.url("/flaky"))
    assert result.content.decode() == "تمت المحاولة الثانية"
    assert server.count("/flaky") == 2


def test_persistent_server_error_gives_status_error_after_retries(server, fetcher):
    with pytest.raises(HTTPStatusError) as err:
        fetcher.fetch(server.url("/always500"))
    assert err.value.status == 503
    assert server.count("/always500") == 3  # first try + 2 retries


def test_retry_back_off_grows_exponentially(server):
    with Fetcher(
        delay=0, backoff=0.1, retries=2, allow_private_hosts=LOCAL, trust_env=False
    ) as fetcher:
        started = time.monotonic()
        with pytest.raises(HTTPStatusError):
            fetcher.fetch(server.url("/always500"))
    assert time.monotonic() - started >= 0.1 + 0.2


def test_client_error_is_not_retried(server, fetcher):
    with pytest.raises(HTTPStatusError, match="404") as err:
        fetcher.fetch(server.url("/missing"))
    assert err.value.status == 404
    assert server.count("/missing") == 1


def test_slow_server_times_out(server):
    with Fetcher(
        delay=0, timeout=0.2, retries=1, backoff=0, allow_private_hosts=LOCAL, trust_env=False
    ) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchTimeout, match="too slow"):
            fetcher.fetch(server.url("/slow"))
    assert time.monotonic() - started < 1.4
    assert server.count("/slow") == 2


def test_connection_refused_is_a_fetch_error(fetcher):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(InputError, match="connection failed"):
        fetcher.fetch(f"http://127.0.0.1:{port}/feed.xml")


def test_body_over_limit_is_rejected_by_content_length(server, fetcher):
    with pytest.raises(BodyTooLarge, match="over the 5242880-byte limit"):
        fetcher.fetch(server.url("/huge"))


def test_body_over_limit_is_rejected_while_streaming(server, fetcher):
    with pytest.raises(BodyTooLarge, match="exceeds"):
        fetcher.fetch(server.url("/huge-no-length"))


def test_gzip_body_is_decompressed(server, fetcher):
    result = fetcher.fetch(server.url("/gzip-ok"))
    assert "صفحة مضغوطة" in result.content.decode("utf-8")


def test_gzip_bomb_is_rejected_without_inflating_it(server, fetcher):
    with pytest.raises(BodyTooLarge, match="zip bomb"):
        fetcher.fetch(server.url("/gzip-bomb"))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "scheme 'file'"),
        ("javascript:alert(1)", "scheme 'javascript'"),
        ("data:text/html,<b>x</b>", "scheme 'data'"),
        ("ftp://example.com/feed.xml", "scheme 'ftp'"),
        ("https://user:secret@example.com/feed", "credentials"),
        ("https://token@example.com/feed", "credentials"),
        ("https://example.com/" + "a" * 3000, "characters long"),
        ("https://example.com/a b", "whitespace"),
        ("https://example.com/\x00", "control"),
        ("http:///no-host", "no host"),
        ("https://example.com:99999/", "cannot be parsed"),
        ("", "empty"),
        ("/relative/path", "scheme 'none'"),
    ],
)
def test_hostile_urls_are_refused_before_any_request(url, reason):
    with pytest.raises(UnsafeURLError, match=reason) as err:
        check_url(url)
    assert isinstance(err.value, InputError)
    assert isinstance(err.value, MarsadError)


def test_hostile_url_refused_by_fetch(fetcher):
    with pytest.raises(UnsafeURLError):
        fetcher.fetch("file:///etc/passwd")


def test_per_host_delay_spaces_requests(server: LocalServer):
    with Fetcher(delay=0.3, allow_private_hosts=LOCAL, trust_env=False) as fetcher:
        fetcher.fetch(server.url("/page"))  # robots.txt + page
        started = time.monotonic()
        fetcher.fetch(server.url("/page"))
    assert 0.28 <= time.monotonic() - started < 2


def test_crawl_delay_from_robots_is_honoured_up_to_a_cap(server: LocalServer):
    server.routes["/robots.txt"] = lambda h: send(h, 200, b"User-agent: *\nCrawl-delay: 9\n")
    with Fetcher(
        delay=0, max_crawl_delay=0.3, allow_private_hosts=LOCAL, trust_env=False
    ) as fetcher:
        fetcher.fetch(server.url("/page"))
        started = time.monotonic()
        fetcher.fetch(server.url("/page"))
    assert 0.28 <= time.monotonic() - started < 2


def _fetch_in_threads(fetcher: Fetcher, urls: list[str]) -> None:
    threads = [threading.Thread(target=fetcher.fetch, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_one_request_at_a_time_per_host(server, fetcher):
    _fetch_in_threads(fetcher, [server.url("/busy")] * 4)
    assert server.count("/busy") == 4
    assert server.counters["max_active"] == 1


def test_different_hosts_are_fetched_in_parallel(server, fetcher):
    port = server.httpd.server_port
    urls = [f"http://127.0.0.1:{port}/busy", f"http://localhost:{port}/busy"] * 2
    _fetch_in_threads(fetcher, urls)
    assert server.counters["max_active"] == 2
