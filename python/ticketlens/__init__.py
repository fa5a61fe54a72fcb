"""ticketlens for Python: sentiment, topic and embeddings for support tickets
in pandas, Polars or pyarrow tables, offline, with the same model, column
mapping and rejects as the ``ticketlens`` command line.

>>> import pandas as pd, ticketlens
>>> clf = ticketlens.Classifier()                 # the bundled default model
>>> out = clf.classify(pd.read_csv("tickets.csv"))
>>> out[["subject", "sentiment", "topic"]].head()
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Sequence

import pyarrow as pa

from ._native import Classifier as _NativeClassifier
from ._native import __version__

__all__ = ["Classifier", "__version__"]


def _to_arrow(data: Any) -> pa.Table:
    """Any supported table as a pyarrow Table (no copy for Arrow-backed data)."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    root = type(data).__module__.split(".")[0]
    if root == "pandas":
        return pa.Table.from_pandas(data, preserve_index=False)
    if root == "polars":
        return data.to_arrow()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    raise TypeError(
        f"classify() takes a pyarrow Table or RecordBatch, or a pandas or Polars "
        f"DataFrame, not {type(data).__name__}"
    )


def _like(data: Any, table: pa.Table) -> Any:
    """`table` in the kind of `data` (pandas in, pandas out)."""
    if isinstance(data, pa.Table):
        return table
    if isinstance(data, pa.RecordBatch):
        return table.combine_chunks().to_batches()[0] if table.num_rows else pa.RecordBatch.from_pylist([], schema=table.schema)
    root = type(data).__module__.split(".")[0]
    if root == "pandas":
        out = table.to_pandas()
        out.index = data.index
        return out
    if root == "polars":
        import polars as pl

        return pl.from_arrow(table)
    return table


class Classifier:
    """A loaded ticketlens model.

    ``model``: a model directory (``model.onnx``, ``tokenizer.json``,
    ``ticketlens.json``); ``None`` = the default model bundled in the package.
    ``taxonomy``: a team taxonomy file (``ticketlens taxonomy train``), which
    adds the columns ``<NAME>`` and ``<NAME>_confidence``.
    ``cache``: keep model outputs in the persistent inference cache the CLI
    uses (``$TICKETLENS_CACHE_DIR``, else ``~/.cache/ticketlens``), so texts
    already seen are not inferred again.

    Raises ``ValueError`` (bad model directory or taxonomy) or
    ``RuntimeError`` (ONNX Runtime cannot be loaded), with the CLI's
    one-line messages.
    """

    def __init__(
        self,
        model: Optional[str] = None,
        taxonomy: Optional[str] = None,
        cache: bool = True,
    ) -> None:
        self._native = _NativeClassifier(model, taxonomy, cache)
        #: The rows the last :meth:`classify` rejected: a pyarrow Table with
        #: ``row`` (1-based position in the table passed, not a pandas index
        #: label), ``reason`` and ``raw`` (the row's cells as CSV).
        self.rejects: pa.Table = pa.table({"row": pa.array([], pa.uint64()), "reason": pa.array([], pa.string()), "raw": pa.array([], pa.string())})

    @property
    def model_sha256(self) -> str:
        """sha256 of the model file (as in the CLI's run.json)."""
        return self._native.model_sha256

    def classify(
        self,
        data: Any,
        *,
        text_columns: Sequence[str] = (),
        mapping: Optional[Mapping[str, str]] = None,
        timezone: str = "UTC",
        embeddings: bool = True,
        reject_column: Optional[str] = None,
    ) -> Any:
        """The same rows with the model's columns added (replacing columns of
        the same name): ``sentiment, sentiment_confidence, p_negative,
        p_neutral, p_positive, topic, topic_confidence, language`` and
        ``embedding`` (a fixed-size list of float32; ``embeddings=False``
        leaves it out).

        ``data``: a pyarrow Table or RecordBatch, a pandas or Polars
        DataFrame; the result is of the same kind, same length and order.
        Columns are mapped to ticket fields as the CLI maps them (subject,
        body, …); ``text_columns`` chooses the text, ``mapping`` overrides
        fields (``{"body": "Description"}``), ``timezone`` reads naive
        timestamps. Rows that cannot be used (no text, a CSAT of 9, …) get
        nulls, and are listed with their reasons in :attr:`rejects`.

        ``reject_column``: also add a string column of that name holding each
        rejected row's reason (null for used rows): for Spark and Ray, where
        :attr:`rejects` stays on the worker.

        Raises ``ValueError`` with the CLI's one-line message when the table
        cannot be used at all (no text column, an unknown mapped column).
        """
        table = _to_arrow(data)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        result, rejects = self._native.classify_ipc(
            sink.getvalue().to_pybytes(),
            list(text_columns),
            list((mapping or {}).items()),
            timezone,
            embeddings,
        )
        columns = pa.ipc.open_stream(result).read_all()
        self.rejects = pa.table(
            {
                "row": pa.array([r[0] for r in rejects], pa.uint64()),
                "reason": pa.array([r[1] for r in rejects], pa.string()),
                "raw": pa.array([r[2] for r in rejects], pa.string()),
            }
        )
        out = table
        for name in columns.column_names:
            if name in out.column_names:
                out = out.drop_columns([name])
            out = out.append_column(columns.schema.field(name), columns.column(name))
        if reject_column is not None:
            reasons = [None] * table.num_rows
            for row, reason, _ in rejects:
                reasons[row - 1] = reason
            if reject_column in out.column_names:
                out = out.drop_columns([reject_column])
            out = out.append_column(reject_column, pa.array(reasons, pa.string()))
        return _like(data, out)
