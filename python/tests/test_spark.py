"""The Spark recipe (``ticketlens.spark.classify``, ``mapInArrow``) in local
mode gives, bit for bit, what the Python API gives on the same Arrow batches,
the CLI's labels up to the int8 batch effect, and with ``batch_rows=1``
exactly what ``ticketlens classify --batch-rows 1`` gives.

Run after `pip install ./python pyspark pandas` with Java on the PATH:
`python python/tests/test_spark.py`.
"""

import os
import subprocess
import sys
import tempfile

import pyarrow.parquet as pq

import ticketlens

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_classify import BIN, MODEL_COLUMNS, fixture_frame  # noqa: E402


def cells(column) -> list:
    """A pandas column's values with every kind of null as None."""
    import pandas as pd

    return [None if pd.isna(v) else v for v in column.tolist()]


def test_spark_local_matches_the_cli() -> None:
    from pyspark.sql import SparkSession

    from ticketlens.spark import classify

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # Local mode on loopback: the shuffle must not dial the host's address.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("ticketlens-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    try:
        pdf = fixture_frame(2000)
        pdf.loc[7, ["subject", "body"]] = ""
        from pyspark.sql.functions import spark_partition_id

        df = spark.createDataFrame(pdf).repartition(3).withColumn("_partition", spark_partition_id())
        # Themes fitted once on the driver, assigned in every partition.
        sample = ticketlens.Classifier(cache=False).classify(pdf.head(600))
        themes = ticketlens.ThemeModel.fit(sample, k=5)
        out = classify(df, theme_model=themes).toPandas()
        # Every text inferred alone: partitions then give exactly the CLI's
        # --batch-rows 1 results (checked at the end).
        alone = classify(spark.createDataFrame(pdf.head(600)).repartition(3), batch_rows=1).toPandas()
    finally:
        spark.stop()
    assert len(out) == len(pdf)
    rejected = out[out["ticketlens_reject"].notna()]
    assert len(rejected) >= 1 and rejected["sentiment"].isna().all()
    assert (out["ticket_id"] == pdf.loc[7, "ticket_id"]).sum() == 1
    used = out[out["ticketlens_reject"].isna()].set_index("ticket_id").sort_index()

    with tempfile.TemporaryDirectory() as d:
        csv = os.path.join(d, "t.csv")
        pdf.to_csv(csv, index=False)
        res = subprocess.run([BIN, "classify", csv, "-o", os.path.join(d, "t.parquet"), "-q", "--no-cache"],
                             capture_output=True, text=True)
        assert res.returncode in (0, 3), res.stderr
        cli = pq.read_table(os.path.join(d, "t.parquet")).to_pandas().set_index("ticket_id").sort_index()
    assert list(used.index) == list(cli.index)
    # Against the CLI, batches differ (Spark cuts partitions into Arrow
    # batches; the CLI sorts a whole chunk by length), and the int8 model
    # quantises activations per batch, so ~2 % of borderline labels move
    # (README, "Scaling past one machine"). This bound guards the plumbing
    # (a misaligned row agrees at chance level); the exact check follows.
    report = []
    for c in ["sentiment", "topic", "language"]:
        same = (used[c].fillna("") == cli[c].fillna("")).mean()
        report.append(f"{c} {same:.4f} agree")
        assert same >= 0.95, f"{c}: {same:.3f} agree"
    for c in ["p_negative", "p_neutral", "p_positive"]:
        diff = (used[c] - cli[c]).abs().max()
        report.append(f"{c} max diff {diff:.4f}")
    print(f"spark: {len(out)} rows, {len(rejected)} rejected; " + ", ".join(report), flush=True)

    # Identical, bit for bit, to the Python API on the same Arrow batches:
    # each partition's rows in Spark's order, cut at maxRecordsPerBatch.
    clf = ticketlens.Classifier(cache=False, threads=1)
    inputs = list(pdf.columns) + ["_partition"]
    batches = 0
    for _, part in out.groupby("_partition", sort=False):
        for start in range(0, len(part), 500):
            chunk = part.iloc[start:start + 500]
            mine = clf.classify(chunk[inputs].reset_index(drop=True))
            for c in MODEL_COLUMNS:
                assert cells(chunk[c]) == cells(mine[c]), f"{c} differs from the Python API on the same batch"
            mine = themes.assign(mine)
            for c in ["theme_id", "theme_label", "theme_outlier"]:
                assert cells(chunk[c]) == cells(mine[c]), c
            for x, y in zip(chunk["embedding"], mine["embedding"]):
                assert (x is None) == (y is None) and (x is None or list(x) == list(y))
            batches += 1
    print(f"spark: identical to the Python API on all {batches} batches", flush=True)

    with tempfile.TemporaryDirectory() as d:
        csv = os.path.join(d, "t.csv")
        pdf.head(600).to_csv(csv, index=False)
        res = subprocess.run([BIN, "classify", csv, "-o", os.path.join(d, "t.parquet"), "-q",
                              "--no-cache", "--batch-rows", "1"], capture_output=True, text=True)
        assert res.returncode in (0, 3), res.stderr
        cli1 = pq.read_table(os.path.join(d, "t.parquet")).to_pandas().set_index("ticket_id").sort_index()
    alone = alone[alone["ticketlens_reject"].isna()].set_index("ticket_id").sort_index()
    assert list(alone.index) == list(cli1.index)
    for c in MODEL_COLUMNS:
        assert cells(alone[c]) == cells(cli1[c]), f"{c}: batch_rows=1 differs from the CLI's --batch-rows 1"
    for x, y in zip(alone["embedding"], cli1["embedding"]):
        assert list(x) == list(y)
    print(f"spark: batch_rows=1 identical to the CLI on all {len(alone)} rows", flush=True)


if __name__ == "__main__":
    test_spark_local_matches_the_cli()
    print("ok test_spark_local_matches_the_cli")
