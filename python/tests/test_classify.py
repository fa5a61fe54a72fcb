"""The Python package gives what the CLI gives, on the same rows.

Run after `pip install ./python` (and pandas): `python python/tests/test_classify.py`
(plain asserts, no test runner needed). Uses the bundled default model and
the CLI binary built by `cargo build` (`target/debug/ticketlens`, or $TICKETLENS_BIN).
"""

import os
import subprocess
import sys
import tempfile

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import ticketlens

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("TICKETLENS_BIN", os.path.join(ROOT, "target", "debug", "ticketlens"))
MODEL_COLUMNS = ["sentiment", "sentiment_confidence", "p_negative", "p_neutral",
                 "p_positive", "topic", "topic_confidence", "language"]


def fixture_frame(rows: int) -> pd.DataFrame:
    """The fixtures' tickets as strings (as a CSV reads), rows that do not
    parse skipped."""
    df = pd.read_csv(os.path.join(ROOT, "fixtures", "tickets.csv"), dtype=str,
                     keep_default_na=False, on_bad_lines="skip", encoding_errors="replace")
    return df.head(rows).reset_index(drop=True)


def test_pandas_matches_the_cli() -> None:
    df = fixture_frame(300)
    # One row the CLI rejects too: no text.
    df.loc[5, ["subject", "body"]] = ""
    clf = ticketlens.Classifier(cache=False)
    out = clf.classify(df)
    assert isinstance(out, pd.DataFrame)
    assert len(out) == len(df) and list(out.index) == list(df.index)
    assert list(out.columns) == list(df.columns) + MODEL_COLUMNS + ["embedding"]
    assert clf.rejects.num_rows == 1, clf.rejects
    assert clf.rejects.column("row")[0].as_py() == 6
    assert "empty text" in clf.rejects.column("reason")[0].as_py()
    assert pd.isna(out.loc[5, "sentiment"])

    with tempfile.TemporaryDirectory() as d:
        csv = os.path.join(d, "t.csv")
        df.to_csv(csv, index=False)
        res = subprocess.run([BIN, "classify", csv, "-o", os.path.join(d, "t.parquet"),
                              "--no-cache", "-q"], capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        cli = pq.read_table(os.path.join(d, "t.parquet")).to_pandas()
    ours = out.drop(index=5).reset_index(drop=True)
    assert len(cli) == len(ours)
    for c in MODEL_COLUMNS:
        a = ours[c].fillna("").tolist()
        b = cli[c].fillna("").tolist()
        assert a == b, f"column {c} differs"
    for x, y in zip(ours["embedding"], cli["embedding"]):
        assert list(x) == list(y)


def test_arrow_and_polars_kinds_round_trip() -> None:
    table = pa.table({"Subject": ["Refund not received", "App crashes on login"],
                      "Priority": ["high", "low"]})
    clf = ticketlens.Classifier(cache=False)
    out = clf.classify(table, embeddings=False)
    assert isinstance(out, pa.Table)
    assert out.column_names == ["Subject", "Priority"] + MODEL_COLUMNS
    assert out.schema.field("p_negative").type == pa.float32()
    batch = clf.classify(table.to_batches()[0], embeddings=False)
    assert isinstance(batch, pa.RecordBatch) and batch.num_rows == 2
    try:
        import polars as pl
    except ImportError:
        return
    pdf = clf.classify(pl.from_arrow(table), embeddings=False)
    assert isinstance(pdf, pl.DataFrame) and pdf.height == 2


def test_errors_are_one_line_python_exceptions() -> None:
    clf = ticketlens.Classifier(cache=False)
    try:
        clf.classify(pa.table({"x": [1, 2]}))
    except ValueError as e:
        msg = str(e)
        assert "\n" not in msg and "text" in msg, msg
    else:
        raise AssertionError("a table without text must raise")
    try:
        clf.classify([1, 2, 3])
    except TypeError:
        pass
    else:
        raise AssertionError("a list is not a table")
    try:
        ticketlens.Classifier(model="/nonexistent")
    except (OSError, ValueError, RuntimeError) as e:
        assert "\n" not in str(e)
    else:
        raise AssertionError("a missing model directory must raise")


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            fn()
            print(f"ok {name}")
    sys.exit(0)
