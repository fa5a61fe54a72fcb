"""Apache Spark recipe: classify a Spark DataFrame with ``mapInArrow``.

Each Python worker loads the model once (the first batch it sees) and keeps
it for every later batch and task of that worker; Arrow batches go to the
model without a pandas round trip. The result has the input's columns and
the model's, typed as the Python API returns them (the embedding as
``array<float>``), plus ``ticketlens_reject`` (the reason a row could not be
used, else null) unless ``reject_column=None``.

>>> from ticketlens.spark import classify
>>> enriched = classify(spark.read.parquet("s3://desk/tickets/"))
>>> enriched.write.parquet("s3://desk/tickets_enriched/")

The model is the package's bundled default unless ``model`` names a
directory every worker can read. Tune the batch size with
``spark.sql.execution.arrow.maxRecordsPerBatch`` (10,000 by default).
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional, Sequence, Tuple, Union

import pyarrow as pa

from . import Classifier
from ._convert import names
from .themes import ThemeModel

# One model per Python worker process, per (model, taxonomy, threads, cache, batch_rows).
_WORKER: Dict[Tuple[Optional[str], Optional[str], int, bool, Optional[int]], Classifier] = {}


def _classifier(
    model: Optional[str], taxonomy: Optional[str], threads: int, cache: bool, batch_rows: Optional[int]
) -> Classifier:
    key = (model, taxonomy, threads, cache, batch_rows)
    if key not in _WORKER:
        _WORKER[key] = Classifier(
            model=model, taxonomy=taxonomy, threads=threads, cache=cache, batch_rows=batch_rows
        )
    return _WORKER[key]


# One theme model per Python worker process, per JSON text.
_THEMES: Dict[int, ThemeModel] = {}


def _themes(text: Optional[str]) -> Optional[ThemeModel]:
    if text is None:
        return None
    key = hash(text)
    if key not in _THEMES:
        _THEMES[key] = ThemeModel.from_json(text)
    return _THEMES[key]


def _spark_friendly(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Spark reads no fixed-size lists: the embedding as a plain list."""
    if "embedding" not in batch.schema.names:
        return batch
    i = batch.schema.get_field_index("embedding")
    col = batch.column(i)
    if pa.types.is_fixed_size_list(col.type):
        col = col.cast(pa.list_(pa.field("item", pa.float32(), nullable=False)))
        batch = batch.set_column(i, pa.field("embedding", col.type), col)
    return batch


def classify(
    df: Any,
    *,
    model: Optional[str] = None,
    taxonomy: Optional[str] = None,
    text_columns: Union[str, Sequence[str]] = (),
    mapping: Optional[Mapping[str, str]] = None,
    timezone: str = "UTC",
    embeddings: bool = True,
    reject_column: Optional[str] = "ticketlens_reject",
    cache: bool = False,
    theme_model: Any = None,
    batch_rows: Optional[int] = None,
) -> Any:
    """``df`` (a ``pyspark.sql.DataFrame``) with the model's columns added.

    ``batch_rows=1``: every text inferred alone, so each row gets exactly
    what ``ticketlens classify --batch-rows 1`` gives it, whatever the
    partitioning (see :class:`~ticketlens.Classifier`).

    ``theme_model``: a :class:`~ticketlens.ThemeModel` (or the path of a
    saved one) fitted on a sample: every worker then also adds
    ``theme_id``, ``theme_label``, ``theme_distance`` and ``theme_outlier``
    (:meth:`ThemeModel.assign`), the same ids in every partition. The model
    travels to the workers as JSON inside the task, so no shared file is
    needed.

    ``cache``: use the persistent inference cache on each worker (off by
    default: executors are usually short-lived, and a cached result from
    another batch could differ from this batch's in the last int8 digit).

    The output schema is found on the driver by classifying no rows of
    ``df``'s schema (which also checks the column mapping before any task
    runs: a table without text fails here with the CLI's message).

    Each worker's model uses ``spark.task.cpus`` inference threads (1 by
    default): Spark already runs a task per core, and more threads per
    task would only fight over the cores.
    """
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    options = dict(
        text_columns=names(text_columns),
        mapping=dict(mapping or {}),
        timezone=timezone,
        embeddings=embeddings,
        reject_column=reject_column,
    )
    themes_json = None
    if theme_model is not None:
        if not isinstance(theme_model, ThemeModel):
            theme_model = ThemeModel.load(theme_model)
        themes_json = theme_model.to_json()
        options["embeddings"] = True
    keep_embedding = embeddings

    def finish(clf_out: Any, themes: Optional[ThemeModel]) -> pa.RecordBatch:
        if themes is not None:
            clf_out = themes.assign(clf_out)
            if not keep_embedding:
                clf_out = clf_out.drop_columns(["embedding"])
        return clf_out

    empty = pa.Table.from_batches([], schema=to_arrow_schema(df.schema))
    probe = Classifier(model=model, taxonomy=taxonomy, cache=False).classify(empty, **options)
    probe = finish(probe, theme_model)
    no_rows = pa.RecordBatch.from_pylist([], schema=probe.schema)
    schema = from_arrow_schema(_spark_friendly(no_rows).schema)

    threads = int(df.sparkSession.conf.get("spark.task.cpus", "1") or 1)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        clf = _classifier(model, taxonomy, threads, cache, batch_rows)
        themes = _themes(themes_json)
        for batch in batches:
            if batch.num_rows == 0:
                continue
            out = finish(pa.Table.from_batches([clf.classify(batch, **options)]), themes)
            for b in out.to_batches():
                yield _spark_friendly(b)

    return df.mapInArrow(run, schema)
