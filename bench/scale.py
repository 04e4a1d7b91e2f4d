"""Figures of marsad beyond one process (issue 20): one sub-command per engine.

    PYTHONPATH=src python bench/scale.py spark [--articles 20000] [--shards 20]
    PYTHONPATH=src python bench/scale.py spark-equal [--ant 5000]
    PYTHONPATH=src python bench/scale.py workers [--articles 1200] [--batch 100]

``spark``/``spark-equal``: bench/scale_spark.py (marsad spark-ingest against marsad ingest).
``workers``: bench/scale_workers.py (1 vs 2 ``marsad analyse`` processes on PostgreSQL, the
cost of a claim).
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("spark", "spark-equal"):
        import scale_spark

        scale_spark.main(sys.argv[1:])
    elif len(sys.argv) > 1 and sys.argv[1] == "workers":
        import scale_workers

        scale_workers.main(sys.argv[1:])
    else:
        sys.exit(__doc__)
