"""Shared test constants and helpers (import as ``from marsad_testing import …``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from marsad.config import Settings, load_settings

DATA = Path(__file__).parent / "data"
SAMPLE_END = date(2026, 11, 20)


def make_settings(tmp: Path, name: str = "marsad.db") -> Settings:
    return load_settings(
        {
            "MARSAD_DATA_DIR": str(tmp),
            "MARSAD_DATABASE_URL": f"sqlite:///{tmp / name}",
            "MARSAD_TIMEZONE": "Asia/Damascus",
        }
    )
