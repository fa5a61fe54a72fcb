"""read_export, kpis, ThemeModel and the Ray recipe's batch class give what
the CLI gives.

Run after `pip install ./python` (and pandas): `python python/tests/test_frames.py`
(plain asserts). Uses the CLI binary built by `cargo build`
(`target/debug/ticketlens`, or $TICKETLENS_BIN) and the field cases in
`tests/data/field/`.
"""

import glob
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings

import pandas as pd
import pyarrow as pa

import ticketlens
from ticketlens._frames import DataQualityWarning
from ticketlens.ray import ClassifyBatch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_classify import BIN, ROOT, fixture_frame  # noqa: E402

FIELD = os.path.join(ROOT, "tests", "data", "field")


def flat(block: dict, prefix: str = "") -> dict:
    """kpis.json's block flattened as the tidy tables' columns are."""
    out = {}
    for k, v in block.items():
        key = f"{prefix}_{k}" if prefix else k
        if k in ("channel_mix", "by_sentiment") and not prefix:
            continue
        if isinstance(v, dict):
            out.update(flat(v, key))
        else:
            out[key] = v
    return out


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b


def test_read_export_then_kpis_gives_the_cli_numbers_on_every_field_case() -> None:
    """Every field case: the CLI's overall KPIs of the file equal `kpis` of
    `read_export`'s table (the typed table loses nothing the KPIs use)."""
    compared = 0
    for path in sorted(glob.glob(os.path.join(FIELD, "*"))):
        with tempfile.TemporaryDirectory() as d:
            res = subprocess.run([BIN, "kpi", path, "--out", d, "-q"], capture_output=True, text=True)
            if res.returncode != 0:
                continue  # e.g. a conversation log: `kpi --conversations` only
            cli = flat(json.load(open(os.path.join(d, "kpis.json")))["overall"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            tickets, rejects = ticketlens.read_export(path)
            row = ticketlens.kpis(tickets).to_pylist()[0]
        assert set(row) == set(cli), (path, set(row) ^ set(cli))
        for k, v in cli.items():
            assert same(v, row[k]), f"{os.path.basename(path)}: {k} CLI {v} vs table {row[k]}"
        compared += 1
    assert compared >= 8, compared


def test_zendesk_export_by_hand() -> None:
    """Case 01's hand-computed figures, through the Python API and pandas."""
    path = os.path.join(FIELD, "zendesk_export.csv")
    tickets, rejects = ticketlens.read_export(path)
    assert tickets.num_rows == 12 and rejects.num_rows == 0
    assert tickets.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert tickets.schema.field("tags").type == pa.list_(pa.string())
    # Only the calendar first-reply column is the field; the business-hours one stays.
    assert "First reply time in minutes within business hours" in tickets.column_names
    df = tickets.to_pandas()
    o = ticketlens.kpis(df)
    assert isinstance(o, pd.DataFrame) and len(o) == 1
    o = o.iloc[0]
    assert o["tickets"] == 12 and o["backlog"] == 4 and o["resolved"] == 8
    assert o["first_response_minutes_median"] == 52.5
    assert abs(o["csat_rate"] - 5 / 7) < 1e-12
    assert abs(o["sla_breach_rate"] - 5 / 12) < 1e-12
    assert o["fcr_rate"] == 0.5 and o["reopen_rate"] == 0.25
    by = ticketlens.kpis(tickets, by=["channel", "priority"])
    assert by.column_names[:3] == ["channel", "priority", "tickets"]
    assert sum(by.column("tickets").to_pylist()) == 12
    weekly = ticketlens.kpis(tickets, period="week")
    assert weekly.column_names[0] == "period"


def test_message_log_by_hand() -> None:
    """Case 09 (Intercom conversation parts): five threads, bots are no
    first response: median 37.5 min, one unanswered thread open."""
    tickets, rejects = ticketlens.read_export(os.path.join(FIELD, "intercom_parts.csv"), conversations=True)
    assert tickets.num_rows == 5 and rejects.num_rows == 0
    o = ticketlens.kpis(tickets).to_pylist()[0]
    assert o["tickets"] == 5 and o["backlog"] == 1
    assert o["first_response_minutes_median"] == 37.5
    try:
        ticketlens.read_export(os.path.join(FIELD, "intercom_parts.csv"), conversations=True, bot_author="(")
    except ValueError as e:
        assert "bot_author" in str(e) and "\n" not in str(e), e
    else:
        raise AssertionError("a bad pattern must raise")


def test_rejects_warn_and_bad_input_raises() -> None:
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.csv")
        with open(path, "w") as f:
            f.write("id,created_at,subject,csat\n1,2025-01-02 10:00,Refund late,5\n"
                    "2,yesterday,App crash,4\n3,2025-01-03 09:00,Card declined,9\n")
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            tickets, rejects = ticketlens.read_export(path)
        assert tickets.num_rows == 1 and rejects.num_rows == 2
        assert rejects.column("line").to_pylist() == [3, 4]
        assert any(issubclass(x.category, DataQualityWarning) and "2 of 3 rows" in str(x.message) for x in w)
        try:
            ticketlens.read_export(os.path.join(d, "missing.csv"))
        except OSError as e:
            assert "\n" not in str(e) and "missing.csv" in str(e), e
        else:
            raise AssertionError("a missing file must raise")
        try:
            ticketlens.kpis(tickets, by="colour")
        except ValueError as e:
            assert "unknown dimension `colour`" in str(e), e
            # Settings are named as this API's keywords, not as CLI flags.
            assert "invalid `by`:" in str(e) and "--by" not in str(e), e
        else:
            raise AssertionError("an unknown dimension must raise")
        # Field overrides, as --map; one text column given as a string.
        tickets, _ = ticketlens.read_export(path, body="subject")
        assert "body" in tickets.column_names
        tickets, _ = ticketlens.read_export(path, text_columns="subject")
        assert tickets.column("body").to_pylist()[0] == "Refund late"
        # A model dimension the table lacks is an error, not one "(none)" group.
        try:
            ticketlens.kpis(tickets, by="theme")
        except ValueError as e:
            assert "ThemeModel.assign" in str(e), e
        else:
            raise AssertionError("by='theme' without theme columns must raise")
        # The ingest's doubts reach kpis' caller; report=True shows as_of.
        ambiguous = pd.DataFrame({"created_at": ["03/04/2024 10:00", "05/06/2024 11:00"],
                                  "subject": ["a", "b"]})
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            table, rep = ticketlens.kpis(ambiguous, report=True)
        assert any("date" in str(x.message).lower() for x in w), [str(x.message) for x in w]
        assert rep["as_of"].startswith("2024-05-06"), rep["as_of"]
        table, rep = ticketlens.kpis(ambiguous, date_order="dmy", report=True)
        assert rep["as_of"].startswith("2024-06-05"), rep["as_of"]
        assert rep["rejects"].num_rows == 0


def test_theme_model_fits_saves_and_assigns_as_the_cli() -> None:
    df = fixture_frame(400)
    clf = ticketlens.Classifier(cache=False)
    classified = clf.classify(pa.Table.from_pandas(df, preserve_index=False))
    model = ticketlens.ThemeModel.fit(classified, k=6, model_sha256=clf.model_sha256)
    assert len(model.labels) >= 2 and model.dim == 384
    out = model.assign(classified)
    ids = out.column("theme_id").to_pylist()
    assert all(i is not None and 0 <= i < len(model.labels) for i in ids)
    # Partitions agree with the whole: assignment is per row.
    half = model.assign(classified.slice(200))
    assert half.column("theme_id").to_pylist() == ids[200:]
    with tempfile.TemporaryDirectory() as d:
        saved = os.path.join(d, "themes.json")
        model.save(saved)
        again = ticketlens.ThemeModel.load(saved)
        assert again.labels == model.labels
        assert again.assign(classified).column("theme_id").to_pylist() == ids
        # The CLI reads the same file and puts the same tickets in the same themes.
        csv = os.path.join(d, "t.csv")
        df.to_csv(csv, index=False)
        enriched = os.path.join(d, "e.csv")
        npy = os.path.join(d, "e.npy")
        for args in (["classify", csv, "-o", enriched, "--embeddings", npy, "--no-cache"],
                     ["themes", enriched, "--embeddings", npy, "--theme-model", saved, "--out", os.path.join(d, "th")]):
            res = subprocess.run([BIN, *args, "-q"], capture_output=True, text=True)
            assert res.returncode == 0, res.stderr
        cli = pd.read_csv(os.path.join(d, "th", "ticket_themes.csv"))
    ours = out.to_pandas()
    near = ~ours["theme_outlier"].to_numpy()
    got = ours["theme_id"].to_numpy()[near]
    want = cli["theme_id"].to_numpy()[near]
    assert (got == want).all(), (got != want).sum()
    # KPIs by theme read the assigned labels back.
    k = ticketlens.kpis(out, by="theme")
    assert set(k.column("theme").to_pylist()) <= set(model.labels)
    try:
        ticketlens.ThemeModel.fit([[0.0, 0.0]], ["x"])
    except ValueError:
        pass
    else:
        raise AssertionError("a zero vector must raise")


def test_csat_on_a_three_point_scale() -> None:
    """csat_scale=3 reads 1, 2, 3 as 1, 3, 5 in read_export and kpis; on the
    default scale such a column warns that it would read 0 % satisfied."""
    rows = "".join(f"{i},2024-03-01 09:00,{i % 3 + 1},x\n" for i in range(30))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "faces.csv")
        with open(path, "w") as f:
            f.write("id,created_at,CSAT,subject\n" + rows)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tickets, _ = ticketlens.read_export(path)
        assert any("3 or less" in str(w.message) for w in caught), [str(w.message) for w in caught]
        tickets, _ = ticketlens.read_export(path, csat_scale=3)
        assert tickets.column("csat").to_pylist()[:3] == [1.0, 3.0, 5.0]
        raw = pa.table({"id": [1, 2, 3], "created_at": ["2024-03-01"] * 3, "CSAT": ["1", "2", "3"]})
        out = ticketlens.kpis(raw, csat_scale=3)
        assert abs(out.column("csat_rate").to_pylist()[0] - 1 / 3) < 1e-9
        try:
            ticketlens.kpis(raw, csat_scale=4)
        except ValueError as e:
            assert "csat_scale" in str(e)
        else:
            raise AssertionError("csat_scale=4 accepted")


def test_csat_scale_follows_the_answers_by_default() -> None:
    """Without csat_scale, a 0–10 CSAT column is read on 0–10 (as the CLI
    reads it), with a warning naming the scale; csat_scale=5 keeps 1–5."""
    answers = [10, 9, 8, 7, 3, 10, 9, 6, 2, 10]
    rows = "".join(f"{i},2024-03-01 09:00,{a},x\n" for i, a in enumerate(answers))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "nps_like.csv")
        with open(path, "w") as f:
            f.write("id,created_at,CSAT,subject\n" + rows)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tickets, _ = ticketlens.read_export(path)
        assert any("0–10 scale" in str(w.message) for w in caught), [str(w.message) for w in caught]
        assert tickets.column("csat").to_pylist()[:2] == [5.0, 1 + 0.4 * 9]
        raw = pa.table({"id": list(range(10)), "created_at": ["2024-03-01"] * 10, "CSAT": [str(a) for a in answers]})
        out = ticketlens.kpis(raw)
        # 8–10 are satisfied on 0–10: 6 of 10.
        assert abs(out.column("csat_rate").to_pylist()[0] - 0.6) < 1e-9
        tickets, rejects = ticketlens.read_export(path, csat_scale=5)
        assert rejects.num_rows == 8, rejects.num_rows


def test_ray_batch_class_without_ray() -> None:
    """The Ray recipe's actor class works on plain pyarrow batches (Ray
    itself is exercised by benches/python/ray_local.py when installed)."""
    table = pa.table({"Subject": ["Refund not received", "", "App crashes on login"]})
    step = ClassifyBatch(threads=1)
    out = step(table)
    assert out.num_rows == 3
    assert out.schema.field("embedding").type == pa.list_(pa.float32())
    assert out.column("ticketlens_reject").to_pylist()[1] is not None
    assert out.column("sentiment").to_pylist()[1] is None


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            fn()
            print(f"ok {name}")
    sys.exit(0)
