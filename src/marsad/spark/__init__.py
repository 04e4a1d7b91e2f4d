"""Archives at web scale on Apache Spark (``marsad spark-ingest``, ``marsad load``).

:mod:`marsad.spark.job` is the Spark job (needs ``pip install 'marsad[spark]'``): it reads,
extracts, deduplicates and recognises on the executors with the code of ``marsad ingest``
and writes Parquet; :mod:`marsad.spark.load` stores that Parquet in the database through
the same :meth:`marsad.pipeline.Pipeline.commit` and global resolution as ``marsad ingest``
(needs pyarrow only); :mod:`marsad.spark.rows` is the row format between them.
"""
