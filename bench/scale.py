"""Figures of marsad beyond one process (issue 20): one sub-command per engine.

    PYTHONPATH=src python bench/scale.py spark [--articles 20000] [--shards 20]
    PYTHONPATH=src python bench/scale.py spark-equal [--ant 5000]

``spark``/``spark-equal``: bench/scale_spark.py (marsad spark-ingest against marsad ingest).
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("spark", "spark-equal"):
        import scale_spark

        scale_spark.main(sys.argv[1:])
    else:
        sys.exit(__doc__)
