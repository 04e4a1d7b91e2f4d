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
| MARSAD_CONFIG           | <data dir>/config.toml (optional file with the same keys, lower-case) |
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marsad.errors import ConfigError


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
    )
    if settings.ner not in {"model", "gazetteer"}:
        raise ConfigError("MARSAD_NER must be 'model' or 'gazetteer'")
    _ = settings.tz  # validate early
    return settings


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
