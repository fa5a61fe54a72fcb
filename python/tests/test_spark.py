"""The Spark recipe (``ticketlens.spark.classify``, ``mapInArrow``) in local
mode gives the CLI's predictions on the same rows.

Run after `pip install ./python pyspark pandas` with Java on the PATH:
`python python/tests/test_spark.py`.
"""

import os
import subprocess
import sys
import tempfile

import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_classify import BIN, MODEL_COLUMNS, fixture_frame  # noqa: E402


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
        df = spark.createDataFrame(pdf).repartition(3)
        out = classify(df).toPandas()
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
        res = subprocess.run([BIN, "classify", csv, "-o", os.path.join(d, "t.parquet"), "-q"],
                             capture_output=True, text=True)
        assert res.returncode in (0, 3), res.stderr
        cli = pq.read_table(os.path.join(d, "t.parquet")).to_pandas().set_index("ticket_id").sort_index()
    assert list(used.index) == list(cli.index)
    # Labels are the same; probabilities agree to int8 rounding (batches
    # differ between Spark partitions and the CLI, and dynamic int8
    # quantisation scales activations per batch).
    report = []
    for c in ["sentiment", "topic", "language"]:
        same = (used[c].fillna("") == cli[c].fillna("")).mean()
        report.append(f"{c} {same:.4f} agree")
        assert same >= 0.99, f"{c}: {same:.3f} agree"
    for c in ["p_negative", "p_neutral", "p_positive"]:
        diff = (used[c] - cli[c]).abs().max()
        report.append(f"{c} max diff {diff:.4f}")
        assert diff < 0.05, f"{c}: max difference {diff}"
    print(f"spark: {len(out)} rows, {len(rejected)} rejected; " + ", ".join(report), flush=True)


if __name__ == "__main__":
    test_spark_local_matches_the_cli()
    print("ok test_spark_local_matches_the_cli")
