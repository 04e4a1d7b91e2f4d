"""Spark's Python daemon (``spark.python.daemon.module``) with marsad and its NER model
loaded before it forks the Python workers: each worker starts with them (shared
copy-on-write), so the model is loaded once per executor, not once per worker."""

from __future__ import annotations

import marsad.spark.job  # noqa: F401 - imported for the workers forked from here
from marsad.ner import load_default

if __name__ == "__main__":
    from pyspark import daemon

    load_default()
    daemon.manager()
