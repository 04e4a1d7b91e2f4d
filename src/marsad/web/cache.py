"""A small in-process cache of page data, invalidated whenever the data changes.

Page data (entity pages, search results, autocomplete answers) is kept per URL-level key
in an LRU of ``MARSAD_PAGE_CACHE`` entries (default 2048; 0 switches it off). Every entry
is tied to the data version, checked on every request: on SQLite, ``PRAGMA data_version``
of a connection kept for the purpose (it changes whenever any other connection commits:
an ingest, a KB load, an operator edit, in this process or another); on PostgreSQL the
count of change notices heard (``LISTEN``: every commit that writes a table the pages read
sends one, from any process on any machine: store/shared.py), so ``marsad serve`` processes
on several machines behind a load balancer never serve a page older than the last commit
they heard of. The day in the configured time zone is part of the version too, so
the window moves at midnight.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import text

from marsad.config import Settings
from marsad.store.database import Store
from marsad.store.shared import ChangeListener

T = TypeVar("T")


class PageCache:
    def __init__(self, store: Store, settings: Settings, size: int | None = None) -> None:
        self.store = store
        self.settings = settings
        self.size = int(os.environ.get("MARSAD_PAGE_CACHE", "2048")) if size is None else size
        self._data: OrderedDict[Hashable, tuple[Hashable, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self._watch: sqlite3.Connection | None = None
        self._notices: ChangeListener | None = None
        path = store.url.removeprefix("sqlite:///") if store.is_sqlite else ""
        if self.size > 0 and path and path != ":memory:":
            self._watch = sqlite3.connect(path, check_same_thread=False)
        elif self.size > 0 and store.engine.dialect.name == "postgresql":
            self._notices = ChangeListener(store.url)

    def version(self) -> Hashable:
        today = datetime.now(self.settings.tz).date()
        if self._watch is not None:
            with self._lock:
                return (self._watch.execute("PRAGMA data_version").fetchone()[0], today)
        if self._notices is not None:
            return (self._notices.version, today)
        with self.store.engine.connect() as conn:
            newest = conn.execute(text("SELECT max(id) FROM articles")).scalar()
            edits = conn.execute(text("SELECT max(id) FROM edits")).scalar()
            aliases = conn.execute(text("SELECT max(id) FROM aliases")).scalar()
        return (newest, edits, aliases, today)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        if self.size <= 0:
            return compute()
        version = self.version()
        with self._lock:
            found = self._data.get(key)
            if found is not None and found[0] == version:
                self._data.move_to_end(key)
                self.hits += 1
                return found[1]
        self.misses += 1
        value = compute()  # errors (NotFound, InputError) are not cached
        with self._lock:
            self._data[key] = (version, value)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
