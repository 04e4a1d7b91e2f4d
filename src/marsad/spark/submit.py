"""``spark-submit`` entry point: ``spark-submit [options] $(python -m marsad.spark.submit)
INPUT… --out PATH`` runs ``marsad spark-ingest INPUT… --out PATH`` as a Spark application
(spark-submit's master, deploy mode and resources). Run as a plain module, it prints its
own path for spark-submit."""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    if os.environ.get("PYSPARK_GATEWAY_PORT") is None:  # not under spark-submit
        print(os.path.abspath(__file__))
    else:
        from marsad.cli import main

        sys.argv = ["marsad", "spark-ingest", *sys.argv[1:]]
        main()
