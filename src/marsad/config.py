"""Settings from environment variables (or a TOML file), with defaults that just work.

| variable                | default                                   |
|-------------------------|-------------------------------------------|
| MARSAD_DATA_DIR         | $XDG_DATA_HOME/marsad or ~/.local/share/marsad |
| MARSAD_DATABASE_URL     | sqlite:///<data dir>/marsad.db            |
| MARSAD_TIMEZONE         | Asia/Damascus                             |
| MARSAD_WINDOW_DAYS      | 30                                        |
| MARSAD_NER              | model (KB gazetteer + shipped CRF); gazetteer = KB names only |
| MARSAD_LEASE_SECONDS    | 300: how long a claim holds on PostgreSQL (store/shared.py) |
| MARSAD_ALLOW_PRIVATE_HOSTS | none: host names, addresses or CIDR networks (comma-separated) the crawler may reach although internal |
| MARSAD_ENRICH           | off: on = `marsad crawl` looks up descriptions after each round (entities.enrich) |
| MARSAD_ENRICH_MIN_ARTICLES | 20: articles an entity needs before it is looked up |
| MARSAD_WIKIPEDIA_URL / MARSAD_WIKIDATA_API / MARSAD_COMMONS_API | the public sites enrich asks |
| MARSAD_ENRICH_USER_AGENT / MARSAD_ENRICH_DELAY / MARSAD_ENRICH_TIMEOUT | how it asks |
| MARSAD_SITE_URL, MARSAD_SMTP_*, MARSAD_WEBHOOK_* | alerts: links, e-mail server, webhook retries (AlertSettings) |
| MARSAD_CONFIG           | <data dir>/config.toml (optional file with the same keys, lower-case) |
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marsad.errors import ConfigError


@dataclass(frozen=True)
class AlertSettings:
    """Where alerts go out (marsad.alerts; docs/alerts.md): MARSAD_SITE_URL, MARSAD_SMTP_*,
    MARSAD_WEBHOOK_TRIES / MARSAD_WEBHOOK_BACKOFF."""

    site_url: str = "http://127.0.0.1:8000/"  # links in webhooks and e-mails
    smtp_host: str | None = None  # unset: e-mail digests wait (and say so) until it is set
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "marsad@localhost"
    smtp_tls: str = "none"  # none | starttls | ssl
    webhook_tries: int = 4  # POSTs per delivery and round, waiting backoff × 2^n between
    webhook_backoff: float = 1.0
    timeout: float = 20.0  # seconds per webhook POST or SMTP conversation


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    timezone: str = "Asia/Damascus"
    window_days: int = 30
    admin_token: str | None = None
    ner: str = "model"
    threads: int = 2  # request handlers running at once in one server process
    # internal hosts/networks the crawler may fetch (marsad.sources.addresses)
    allow_private_hosts: tuple[str, ...] = ()
    # descriptions from Wikipedia / Wikidata (marsad.entities.enrich): opt-in after crawls
    enrich: bool = False
    enrich_min_articles: int = 20
    wikipedia_url: str = "https://ar.wikipedia.org"
    wikidata_api: str = "https://www.wikidata.org/w/api.php"
    commons_api: str = "https://commons.wikimedia.org/w/api.php"
    enrich_user_agent: str = "marsad/0.1 (Arabic news monitor; https://github.com/marsad) kb-enrich"
    enrich_delay: float = 1.0  # seconds between two requests to one site
    enrich_timeout: float = 20.0
    alerts: AlertSettings = field(default_factory=AlertSettings)

    @property
    def tz(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"unknown time zone {self.timezone!r} (MARSAD_TIMEZONE)") from exc


def shared_data_dir() -> Path:
    """Training and evaluation data: MARSAD_SHARED_DATA, else ../shared/data beside the
    repository root (see the data README). Only ``ner``/bench commands and tests use it."""
    env = os.environ.get("MARSAD_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


def default_threads() -> int:
    """One request handler per core (at least two): SQLite reads release the GIL, but more
    handlers than cores only share the CPU, so every queued request finishes late."""
    return max(2, os.cpu_count() or 1)


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "marsad"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read settings: environment variables win over the config file, which wins over defaults."""
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("MARSAD_DATA_DIR") or _default_data_dir()).expanduser()
    file_values: dict[str, object] = {}
    config_path = Path(env.get("MARSAD_CONFIG") or data_dir / "config.toml")
    if config_path.is_file():
        try:
            file_values = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{config_path}: not valid TOML: {exc}") from exc

    def get(key: str, default: object) -> object:
        return env.get(f"MARSAD_{key.upper()}") or file_values.get(key, default)

    database_url = str(get("database_url", f"sqlite:///{data_dir / 'marsad.db'}"))
    try:
        window_days = int(get("window_days", 30))  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigError("MARSAD_WINDOW_DAYS must be a whole number of days") from exc
    if not 1 <= window_days <= 3660:
        raise ConfigError("MARSAD_WINDOW_DAYS must be between 1 and 3660")
    try:
        threads = int(get("threads", default_threads()))  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigError("MARSAD_THREADS must be a whole number") from exc
    if not 1 <= threads <= 256:
        raise ConfigError("MARSAD_THREADS must be between 1 and 256")
    allow_private_hosts = _allow_list(get("allow_private_hosts", ""))
    settings = Settings(
        data_dir=data_dir,
        database_url=database_url,
        timezone=str(get("timezone", "Asia/Damascus")),
        window_days=window_days,
        admin_token=(str(get("admin_token", "")) or None),
        ner=str(get("ner", "model")),
        threads=threads,
        allow_private_hosts=allow_private_hosts,
        **_enrich_settings(get),
        alerts=_alert_settings(get),
    )
    if settings.ner not in {"model", "gazetteer"}:
        raise ConfigError("MARSAD_NER must be 'model' or 'gazetteer'")
    _ = settings.tz  # validate early
    return settings


def _enrich_settings(get: Callable[[str, object], object]) -> dict[str, Any]:
    """MARSAD_ENRICH and the settings of `marsad kb enrich` (see the table above)."""
    flag = str(get("enrich", "off")).strip().lower()
    if flag not in {"on", "off", "true", "false", "1", "0", "yes", "no"}:
        raise ConfigError("MARSAD_ENRICH must be 'on' or 'off'")
    out: dict[str, Any] = {"enrich": flag in {"on", "true", "1", "yes"}}
    for key, kind in (
        ("enrich_min_articles", int),
        ("enrich_delay", float),
        ("enrich_timeout", float),
        ("wikipedia_url", str),
        ("wikidata_api", str),
        ("commons_api", str),
        ("enrich_user_agent", str),
    ):
        default = Settings.__dataclass_fields__[key].default
        try:
            value = kind(get(key, default))  # type: ignore[operator]
        except ValueError as exc:
            raise ConfigError(f"MARSAD_{key.upper()} must be a {kind.__name__}") from exc
        if kind is not str and value < 0:  # type: ignore[operator]
            raise ConfigError(f"MARSAD_{key.upper()} must not be negative")
        out[key] = value
    return out


def _allow_list(value: object) -> tuple[str, ...]:
    """MARSAD_ALLOW_PRIVATE_HOSTS: a comma-separated string, or a list in config.toml."""
    from marsad.sources.addresses import AddressPolicy

    if isinstance(value, str):
        entries = [part.strip() for part in value.split(",")]
    elif isinstance(value, list | tuple):
        entries = [str(part).strip() for part in value]
    else:
        raise ConfigError("MARSAD_ALLOW_PRIVATE_HOSTS must be a comma-separated list of hosts")
    entries = [e for e in entries if e]
    AddressPolicy.from_entries(entries)  # validate early: a typo must not pass silently
    return tuple(entries)


def _alert_settings(get: Callable[[str, object], object]) -> AlertSettings:
    """MARSAD_SITE_URL, MARSAD_SMTP_{HOST,PORT,USER,PASSWORD,FROM,TLS}, MARSAD_WEBHOOK_*."""
    d = AlertSettings()
    site = str(get("site_url", d.site_url))
    if not site.startswith(("http://", "https://")):
        raise ConfigError("MARSAD_SITE_URL must be the site's http(s) address")
    tls = str(get("smtp_tls", d.smtp_tls)).lower()
    if tls not in {"none", "starttls", "ssl"}:
        raise ConfigError("MARSAD_SMTP_TLS must be none, starttls or ssl")
    try:
        port = int(get("smtp_port", 465 if tls == "ssl" else d.smtp_port))  # type: ignore[arg-type]
        tries = int(get("webhook_tries", d.webhook_tries))  # type: ignore[arg-type]
        backoff = float(get("webhook_backoff", d.webhook_backoff))  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigError(
            "MARSAD_SMTP_PORT and MARSAD_WEBHOOK_TRIES must be whole numbers, "
            "MARSAD_WEBHOOK_BACKOFF a number of seconds"
        ) from exc
    if not 1 <= tries <= 20 or not 0 <= backoff <= 600:
        raise ConfigError("MARSAD_WEBHOOK_TRIES must be 1–20, MARSAD_WEBHOOK_BACKOFF 0–600 s")
    return AlertSettings(
        site_url=site.rstrip("/") + "/",
        smtp_host=str(get("smtp_host", "")) or None,
        smtp_port=port,
        smtp_user=str(get("smtp_user", "")) or None,
        smtp_password=str(get("smtp_password", "")) or None,
        smtp_from=str(get("smtp_from", d.smtp_from)),
        smtp_tls=tls,
        webhook_tries=tries,
        webhook_backoff=backoff,
    )
