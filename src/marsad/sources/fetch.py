"""A polite HTTP fetcher: robots.txt, per-host delay, conditional GET, caps and retries.

Internal addresses (loopback, private, link-local, metadata…; see
:mod:`marsad.sources.addresses`) are refused unless allowed by name: every hop is
checked on its resolved addresses before the request, and the connection itself is made
only to an address checked at that moment, so a DNS answer that changes in between
(rebinding) cannot reach an internal service.

Every refusal or failure is a :class:`FetchError` (an :class:`~marsad.errors.InputError`)
whose ``reason`` says what happened, so a crawler can record it and move on.
"""

from __future__ import annotations

import codecs
import re
import threading
import time
import urllib.robotparser
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from marsad.errors import InputError
from marsad.sources.addresses import AddressPolicy, AddressRefused

USER_AGENT = "marsad/0.1 (+https://github.com/marsad)"
MAX_BYTES = 5 * 1024 * 1024
MAX_URL_LENGTH = 2048
ROBOTS_MAX_BYTES = 512 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(InputError):
    """A URL could not be fetched; ``reason`` is a sentence a user can act on."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{reason} ({_shorten(url)})")


class UnsafeURLError(FetchError):
    """The URL was refused before any request: bad scheme, credentials, too long…"""


class InternalAddressError(UnsafeURLError):
    """The URL's host resolves to an internal address (loopback, private, link-local,
    metadata…) that ``MARSAD_ALLOW_PRIVATE_HOSTS`` does not allow."""


class RobotsDisallowed(FetchError):
    """The site's robots.txt forbids marsad from fetching this URL."""


class TooManyRedirects(FetchError):
    """A redirect chain was too long or looped."""


class BodyTooLarge(FetchError):
    """The body (on the wire or once decompressed) exceeded the size cap."""


class FetchTimeout(FetchError):
    """The server was too slow, after every retry."""


class ConnectionFailed(FetchError):
    """The server could not be reached or broke the connection, after every retry."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (after retries for 5xx and 429)."""

    def __init__(self, url: str, reason: str, status: int) -> None:
        self.status = status
        super().__init__(url, reason)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch produced. ``content`` is decompressed; empty when not modified."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    content: bytes
    encoding: str | None  # charset from the Content-Type header, if a known codec
    content_type: str | None  # media type without parameters, lower-case
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


def _shorten(url: str, limit: int = 200) -> str:
    return url if len(url) <= limit else url[:limit] + "…"


# whitespace (what str.isspace() calls so: re's \s on str patterns) and control characters;
# one search, not a Python test per character (every link of every page is checked)
_UNSAFE_CHARACTER = re.compile(r"[\s\x00-\x1f\x7f]")


def check_url(url: object, *, max_length: int = MAX_URL_LENGTH) -> str:
    """Return ``url`` stripped if it is a fetchable http(s) URL, else raise UnsafeURLError.

    This checks the URL's form only; where its host leads is :func:`check_address`'s job.
    """
    if not isinstance(url, str):
        raise UnsafeURLError(repr(url), "URL is not a string")
    url = url.strip()
    if not url:
        raise UnsafeURLError(url, "URL is empty")
    if len(url) > max_length:
        raise UnsafeURLError(url, f"URL is {len(url)} characters long, over the {max_length} limit")
    if _UNSAFE_CHARACTER.search(url):
        raise UnsafeURLError(url, "URL contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURLError(url, f"URL cannot be parsed: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = scheme or "none"
        raise UnsafeURLError(url, f"only http and https URLs are fetched, not scheme '{shown}'")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeURLError(url, "URL carries credentials (user:password@); remove them")
    host = (parts.hostname or "").strip()
    if not host:
        raise UnsafeURLError(url, "URL has no host name")
    if port == 0:
        raise UnsafeURLError(url, "URL has port 0")
    return url


def check_address(url: str, policy: AddressPolicy) -> list[str]:
    """The addresses ``url``'s host resolves to, all allowed by ``policy``; raises
    InternalAddressError for an internal one. A host that does not resolve gives ``[]``
    (the request will fail with its own connection error)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        return policy.resolve(host, port)
    except AddressRefused as exc:
        raise InternalAddressError(url, str(exc)) from None
    except (OSError, UnicodeError, ValueError):
        return []


class _CheckedBackend(httpcore.NetworkBackend):
    """httpcore's network backend that resolves the host itself, checks every address
    with the policy and connects to a checked address (TLS still uses the host name)."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self.policy.resolve(host, port)  # AddressRefused goes up unchanged
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
        error: Exception = httpcore.ConnectError(f"no address for {host!r}")
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
        raise error

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:  # pragma: no cover - marsad never uses unix sockets
        raise httpcore.ConnectError("unix sockets are not used by marsad")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _checked_transport(policy: AddressPolicy, trust_env: bool) -> httpx.HTTPTransport:
    """An httpx transport whose connections go through :class:`_CheckedBackend`."""
    transport = httpx.HTTPTransport(trust_env=trust_env)
    if not isinstance(getattr(transport, "_pool", None), httpcore.ConnectionPool):
        raise RuntimeError("this httpx version has no HTTPTransport._pool to check addresses")
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=trust_env),
        max_connections=100,  # httpx's default limits
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=_CheckedBackend(policy),
    )
    return transport


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _charset(content_type: str | None) -> tuple[str | None, str | None]:
    """Media type and a known charset label from a Content-Type header value."""
    if not content_type:
        return None, None
    msg = Message()
    msg["content-type"] = content_type
    media = msg.get_content_type().lower()
    label = msg.get_param("charset")
    if not isinstance(label, str):
        return media, None
    label = label.strip().strip("'\"").lower()
    try:
        codecs.lookup(label)
    except LookupError:
        return media, None
    return media, label


class _Decoder:
    """Decompress gzip/deflate chunk by chunk, never producing more than asked for."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._first = True
        self._obj = self._new()

    def _new(self, raw_deflate: bool = False) -> zlib._Decompress:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes, budget: int) -> Iterator[bytes]:
        """Yield decoded pieces of ``data``; stops early once ``budget`` is exceeded."""
        produced = 0
        while data:
            try:
                piece = self._obj.decompress(data, budget - produced + 1)
            except zlib.error:
                if self._first and self.encoding == "deflate":  # raw deflate, no zlib header
                    self._first = False
                    self._obj = self._new(raw_deflate=True)
                    continue
                raise
            self._first = False
            produced += len(piece)
            if piece:
                yield piece
            if produced > budget:
                return
            if self._obj.eof:  # concatenated gzip members
                data = self._obj.unused_data
                if data:
                    self._obj = self._new()
            else:
                data = self._obj.unconsumed_tail


class Fetcher:
    """Fetch URLs politely: one request at a time per host, ``delay`` seconds apart.

    Use as a context manager (or call :meth:`close`). Thread-safe: different hosts can be
    fetched from different threads; one host is always fetched one request at a time.
    """

    def __init__(
        self,
        *,
        user_agent: str = USER_AGENT,
        delay: float = 1.0,
        timeout: float = 20.0,
        total_timeout: float = 60.0,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = 5,
        retries: int = 3,
        backoff: float = 1.0,
        max_retry_wait: float = 60.0,
        respect_robots: bool = True,
        robots_ttl: float = 24 * 3600.0,
        max_crawl_delay: float = 30.0,
        max_url_length: int = MAX_URL_LENGTH,
        allow_private_hosts: str | Iterable[str] | AddressPolicy = (),
        trust_env: bool = True,
    ) -> None:
        self.user_agent = user_agent
        self.delay = delay
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff = backoff
        self.max_retry_wait = max_retry_wait
        self.respect_robots = respect_robots
        self.robots_ttl = robots_ttl
        self.max_crawl_delay = max_crawl_delay
        self.max_url_length = max_url_length
        self.policy = (
            allow_private_hosts
            if isinstance(allow_private_hosts, AddressPolicy)
            else AddressPolicy.from_entries(allow_private_hosts)
        )
        self._client = httpx.Client(
            headers={
                "User-Agent": user_agent,
                "Accept-Encoding": "gzip, deflate",
                "Accept": "*/*",
            },
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=trust_env,
            transport=_checked_transport(self.policy, trust_env),
        )
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API --------------------------------------------------------------------
    def check_url(self, url: object) -> str:
        return check_url(url, max_length=self.max_url_length)

    def check_address(self, url: str) -> None:
        """Raise InternalAddressError if ``url``'s host resolves to a refused address."""
        check_address(url, self.policy)

    def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` following up to ``max_redirects`` redirects.

        With ``etag``/``last_modified`` (from an earlier result) the request is
        conditional; an unchanged resource gives ``not_modified=True`` and no content.
        Raises a :class:`FetchError` subclass on every failure.
        """
        asked = self.check_url(url)
        current = asked
        seen = {current}
        for _hop in range(self.max_redirects + 1):
            self.check_address(current)
            if self.respect_robots:
                self._check_robots(current)
            status, headers, content = self._request(current, etag, last_modified)
            if status in (301, 302, 303, 307, 308):
                location = headers.get("location")
                if not location:
                    raise HTTPStatusError(
                        current, f"HTTP {status} redirect without Location", status
                    )
                target = self.check_url(urljoin(current, location.strip()))
                if target in seen:
                    raise TooManyRedirects(asked, f"redirect loop: {_shorten(target)} seen twice")
                seen.add(target)
                current = target
                continue
            return self._result(asked, current, status, headers, content, etag, last_modified)
        raise TooManyRedirects(asked, f"more than {self.max_redirects} redirects")

    # -- internals ---------------------------------------------------------------------
    def _result(
        self,
        asked: str,
        final: str,
        status: int,
        headers: httpx.Headers,
        content: bytes,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        media, charset = _charset(headers.get("content-type"))
        if status == 304:
            return FetchResult(
                url=asked,
                final_url=final,
                status=304,
                content=b"",
                encoding=charset,
                content_type=media,
                etag=headers.get("etag") or etag,
                last_modified=headers.get("last-modified") or last_modified,
                not_modified=True,
            )
        if not 200 <= status < 300:
            phrase = httpx.codes.get_reason_phrase(status)
            raise HTTPStatusError(final, f"server answered HTTP {status} {phrase}".strip(), status)
        return FetchResult(
            url=asked,
            final_url=final,
            status=status,
            content=content,
            encoding=charset,
            content_type=media,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
        )

    def _host_lock(self, key: str) -> threading.Lock:
        with self._lock:
            return self._host_locks.setdefault(key, threading.Lock())

    def _wait_turn(self, key: str, delay: float) -> None:
        last = self._last_request.get(key)
        if last is not None:
            wait = last + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def _host_delay(self, key: str) -> float:
        delay = self.delay
        entry = self._robots.get(key)
        if entry and entry[1] is not None:
            crawl_delay = entry[1].crawl_delay(self.user_agent)
            if crawl_delay:
                delay = max(delay, min(float(crawl_delay), self.max_crawl_delay))
        return delay

    def _request(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> tuple[int, httpx.Headers, bytes]:
        """One GET with retries; holds the host's lock so a host sees one request at a time."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        key = _host_key(url)
        limit = self.max_bytes if max_bytes is None else max_bytes
        with self._host_lock(key):
            attempt = 0
            while True:
                self._wait_turn(key, self._host_delay(key))
                retry_after: float | None = None
                try:
                    status, resp_headers, content = self._get_once(url, headers, limit)
                except httpx.TimeoutException as exc:
                    error: FetchError = FetchTimeout(url, f"server too slow ({_describe(exc)})")
                except httpx.TransportError as exc:
                    error = ConnectionFailed(url, f"connection failed: {_describe(exc)}")
                else:
                    if status not in RETRY_STATUSES:
                        return status, resp_headers, content
                    phrase = httpx.codes.get_reason_phrase(status)
                    error = HTTPStatusError(url, f"server answered HTTP {status} {phrase}", status)
                    retry_after = _retry_after(resp_headers.get("retry-after"))
                    if attempt >= self.retries:
                        return status, resp_headers, content
                finally:
                    self._last_request[key] = time.monotonic()
                if attempt >= self.retries:
                    if self.retries:
                        error.reason += f", after {self.retries + 1} attempts"
                        error.args = (f"{error.reason} ({_shorten(url)})",)
                    raise error
                wait = self.backoff * (2**attempt)
                if retry_after is not None:
                    wait = max(wait, retry_after)
                time.sleep(min(wait, self.max_retry_wait))
                attempt += 1

    def _get_once(
        self, url: str, headers: dict[str, str], limit: int
    ) -> tuple[int, httpx.Headers, bytes]:
        started = time.monotonic()
        try:
            request = self._client.build_request("GET", url, headers=headers)
        except httpx.InvalidURL as exc:
            raise UnsafeURLError(url, f"URL is invalid: {exc}") from None
        try:
            response = self._client.send(request, stream=True)
        except AddressRefused as exc:  # the address changed since check_address
            raise InternalAddressError(url, str(exc)) from None
        try:
            if response.status_code in (301, 302, 303, 307, 308, 304) or (
                response.status_code >= 400
            ):
                # Bodies of redirects and errors are not needed; don't download them.
                return response.status_code, response.headers, b""
            declared = response.headers.get("content-length")
            if declared and declared.strip().isdigit() and int(declared) > limit:
                raise BodyTooLarge(
                    url, f"body is {int(declared)} bytes, over the {limit}-byte limit"
                )
            content = self._read_body(url, response, limit, started)
            return response.status_code, response.headers, content
        finally:
            response.close()

    def _read_body(self, url: str, response: httpx.Response, limit: int, started: float) -> bytes:
        codings = [
            c.strip().lower()
            for c in response.headers.get("content-encoding", "").split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(url, f"unsupported Content-Encoding '{', '.join(codings)}'")
        decoder = _Decoder(codings[0]) if codings else None
        chunks: list[bytes] = []
        raw_size = 0
        size = 0
        for raw in response.iter_raw():
            raw_size += len(raw)
            if raw_size > limit:
                raise BodyTooLarge(url, f"body exceeds the {limit}-byte limit")
            if time.monotonic() - started > self.total_timeout:
                raise FetchTimeout(url, f"download took over {self.total_timeout:g} s")
            pieces: Iterator[bytes] | list[bytes]
            if decoder is None:
                pieces = [raw]
            else:
                try:
                    pieces = list(decoder.feed(raw, limit - size))
                except zlib.error as exc:
                    raise FetchError(url, f"corrupt {decoder.encoding} body: {exc}") from None
            for piece in pieces:
                size += len(piece)
                if size > limit:
                    raise BodyTooLarge(
                        url,
                        f"decompressed body exceeds the {limit}-byte limit "
                        f"({raw_size} bytes on the wire): refused as a possible zip bomb",
                    )
                chunks.append(piece)
        return b"".join(chunks)

    # -- robots.txt --------------------------------------------------------------------
    def _check_robots(self, url: str) -> None:
        parser = self._robots_for(url)
        if parser is not None and not parser.can_fetch(self.user_agent, url):
            raise RobotsDisallowed(url, "robots.txt of this site disallows marsad for this path")

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        """The host's parsed robots.txt (None: everything allowed), cached ``robots_ttl`` s."""
        key = _host_key(url)
        cached = self._robots.get(key)
        if cached is not None and time.monotonic() - cached[0] < self.robots_ttl:
            return cached[1]
        robots_url = key + "/robots.txt"
        status, headers, content = self._robots_request(robots_url)
        parser: urllib.robotparser.RobotFileParser | None
        if 200 <= status < 300:
            parser = urllib.robotparser.RobotFileParser(robots_url)
            parser.parse(content.decode("utf-8", errors="replace").splitlines())
            parser.modified()
        elif 400 <= status < 500:
            parser = None  # RFC 9309: robots.txt unavailable -> no restriction
        else:  # RFC 9309: server error -> assume complete disallow; retried next time
            raise RobotsDisallowed(
                url, f"robots.txt answered HTTP {status}; the site is treated as disallowed"
            )
        self._robots[key] = (time.monotonic(), parser)
        return parser

    def _robots_request(self, robots_url: str) -> tuple[int, httpx.Headers, bytes]:
        current = robots_url
        for _hop in range(self.max_redirects + 1):
            try:
                status, headers, content = self._request(current, max_bytes=ROBOTS_MAX_BYTES)
            except BodyTooLarge:
                # RFC 9309 asks parsers to read at least 500 KiB; a bigger file is ignored.
                return 404, httpx.Headers(), b""
            except FetchError as exc:
                raise type(exc)(robots_url, f"could not read robots.txt: {exc.reason}") from None
            location = headers.get("location")
            if status in (301, 302, 303, 307, 308) and location:
                try:
                    current = self.check_url(urljoin(current, location.strip()))
                    self.check_address(current)
                except UnsafeURLError:
                    return 404, headers, b""
                continue
            return status, headers, content
        return 404, httpx.Headers(), b""


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
