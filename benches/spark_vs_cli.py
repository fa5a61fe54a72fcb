"""Bench: the Spark recipe (``ticketlens.spark.classify``, local mode) against
the CLI on the same tickets, same machine, same run.

Run from the repository root in a virtualenv with the package installed
(``pip install ./python pyspark pandas``) and Java on the PATH:

    cargo build --profile wheel --bin ticketlens --bin gen-fixtures
    python benches/spark_vs_cli.py --tickets 20000

The CLI binary is built with the wheel's profile (release without LTO) so
both sides run the same compiled code. Tickets come from ``ticketlens
gen-fixtures --clean`` (unique synthetic texts); the inference cache is off
on both sides. Prints wall times, throughput, Spark's overhead over the CLI,
the Python API alone, and label agreement. No figure is asserted.
"""

import argparse
import os
import sys
import time

import pyarrow.parquet as pq

import ticketlens

from pybench import DEFAULT_BIN, run_cli, tickets  # noqa: E402 (benches/ is on sys.path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=20000)
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--batch", type=int, default=2000, help="spark.sql.execution.arrow.maxRecordsPerBatch")
    args = ap.parse_args()

    work, src, table = tickets(args.bin, args.tickets, "tl-spark-bench-")
    rows = table.num_rows
    print(f"tickets: {rows} ({args.cores} cores, {os.uname().machine})")

    # 1. The CLI: CSV in, Parquet out.
    out_cli = os.path.join(work, "cli.parquet")
    cli_s = run_cli(args.bin, src, out_cli)
    print(f"CLI classify:        {cli_s:7.1f} s  {rows / cli_s:6.0f} tickets/s  "
          f"({rows / cli_s / args.cores:.0f} per core)")

    # 2. The Python API on the whole table (one process, every core).
    t0 = time.perf_counter()
    py = ticketlens.Classifier(cache=False).classify(table)
    py_s = time.perf_counter() - t0
    print(f"Python API:          {py_s:7.1f} s  {rows / py_s:6.0f} tickets/s  "
          f"(overhead {100 * (py_s / cli_s - 1):+.1f} %)")

    # 3. Spark local mode: one task per core, one model per Python worker
    #    with one inference thread (spark.task.cpus).
    from pyspark.sql import SparkSession

    from ticketlens.spark import classify

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (
        SparkSession.builder.master(f"local[{args.cores}]")
        .appName("ticketlens-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch))
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    in_pq = os.path.join(work, "in.parquet")
    pq.write_table(table, in_pq)
    df = spark.read.parquet(in_pq).repartition(args.cores).cache()
    df.count()
    out_spark = os.path.join(work, "spark_out")
    t0 = time.perf_counter()
    classify(df).write.mode("overwrite").parquet(out_spark)
    spark_s = time.perf_counter() - t0
    print(f"Spark local[{args.cores}]:     {spark_s:7.1f} s  {rows / spark_s:6.0f} tickets/s  "
          f"(overhead over the CLI {100 * (spark_s / cli_s - 1):+.1f} %)")

    got = pq.read_table(out_spark).to_pandas()
    cli = pq.read_table(out_cli).to_pandas()
    key = "ticket_id"
    merged = cli[[key, "sentiment", "topic"]].merge(got[[key, "sentiment", "topic"]], on=key,
                                                    suffixes=("_cli", "_spark"))
    same = (merged.sentiment_cli == merged.sentiment_spark).mean()
    same_topic = (merged.topic_cli == merged.topic_spark).mean()
    print(f"agreement with the CLI: sentiment {100 * same:.2f} %, topic {100 * same_topic:.2f} % "
          f"of {len(merged)} rows; Python API rows {len(py)}")
    spark.stop()


if __name__ == "__main__":
    main()
