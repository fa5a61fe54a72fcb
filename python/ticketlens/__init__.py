"""ticketlens for Python: read a helpdesk export, add sentiment, topic,
embedding and theme to every ticket, and compute support KPIs, in pandas,
Polars or pyarrow tables, offline, with the same model, column mapping,
value rules and rejects as the ``ticketlens`` command line.

>>> import ticketlens
>>> tickets, rejects = ticketlens.read_export("zendesk_export.csv")
>>> df = ticketlens.Classifier().classify(tickets)
>>> themes = ticketlens.ThemeModel.fit(df)        # or a sample of it
>>> df = themes.assign(df).to_pandas()
>>> kpis = ticketlens.kpis(df, by="theme", period="week")
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, Union

import pyarrow as pa

from ._convert import from_ipc, like, names, rejects_table, to_arrow, to_ipc, with_columns
from ._frames import DataQualityWarning, kpis, read_export
from ._native import Classifier as _NativeClassifier
from ._native import __version__
from .themes import ThemeModel

__all__ = ["Classifier", "DataQualityWarning", "ThemeModel", "kpis", "read_export", "__version__"]


class Classifier:
    """A loaded ticketlens model.

    ``model``: a model directory (``model.onnx``, ``tokenizer.json``,
    ``ticketlens.json``); ``None`` = the default model bundled in the package.
    ``taxonomy``: a team taxonomy file (``ticketlens taxonomy train``), which
    adds the columns ``<NAME>`` and ``<NAME>_confidence``.
    ``cache``: keep model outputs in the persistent inference cache the CLI
    uses (``$TICKETLENS_CACHE_DIR``, else ``~/.cache/ticketlens``), so texts
    already seen are not inferred again.
    ``threads``: CPU threads for inference (0 = every core; give a worker
    its share of cores when several run on one machine, as the Spark and
    Ray recipes do).
    ``batch_rows``: most texts per inference batch (default 128, as the
    CLI). ``1`` infers every text alone, so its result does not depend on
    the other texts (the int8 model scales activations per batch): then a
    Spark or Ray partition gives exactly what ``ticketlens classify
    --batch-rows 1`` gives, at ~1.4× the time on short texts.

    Raises ``OSError`` (a model or taxonomy file cannot be read: a missing
    directory), ``ValueError`` (not a usable model directory or taxonomy)
    or ``RuntimeError`` (ONNX Runtime cannot be loaded), with the CLI's
    one-line messages.
    """

    def __init__(
        self,
        model: Optional[str] = None,
        taxonomy: Optional[str] = None,
        cache: bool = True,
        threads: int = 0,
        batch_rows: Optional[int] = None,
    ) -> None:
        self._native = _NativeClassifier(model, taxonomy, cache, threads, batch_rows)
        #: The rows the last :meth:`classify` rejected: a pyarrow Table with
        #: ``row`` (1-based position in the table passed, not a pandas index
        #: label), ``reason`` and ``raw`` (the row's cells as CSV).
        self.rejects: pa.Table = rejects_table([])

    @property
    def model_sha256(self) -> str:
        """sha256 of the model file (as in the CLI's run.json)."""
        return self._native.model_sha256

    def classify(
        self,
        data: Any,
        *,
        text_columns: Union[str, Sequence[str]] = (),
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
        table = to_arrow(data)
        result, rejects = self._native.classify_ipc(
            to_ipc(table),
            names(text_columns),
            list((mapping or {}).items()),
            timezone,
            embeddings,
        )
        columns = from_ipc(result)
        self.rejects = rejects_table(rejects)
        out = with_columns(table, columns)
        if reject_column is not None:
            reasons = [None] * table.num_rows
            for row, reason, _ in rejects:
                reasons[row - 1] = reason
            out = with_columns(out, {reject_column: pa.array(reasons, pa.string())})
        return like(data, out)
