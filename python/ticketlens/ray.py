"""Ray Data recipe: classify a ``ray.data.Dataset`` with ``map_batches`` and
a class-based actor, one model per actor.

>>> import ray, ticketlens.ray
>>> ds = ray.data.read_parquet("s3://desk/tickets/")
>>> out = ticketlens.ray.classify(ds, actors=8)
>>> out.write_parquet("s3://desk/tickets_enriched/")

Ray builds :class:`ClassifyBatch` once per actor (loading the model once)
and calls it on every pyarrow batch the actor is given. With a saved
:class:`~ticketlens.ThemeModel` (``theme_model=`` a file from
``ThemeModel.save`` or ``ticketlens themes fit``), every actor also adds
the same themes. Nothing here imports Ray except :func:`classify`, so the
class can be used with any batch engine (Dask, a multiprocessing pool).
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, Union

import pyarrow as pa

from . import Classifier
from ._convert import names
from .themes import ThemeModel


class ClassifyBatch:
    """A callable that classifies one pyarrow batch (Ray Data's
    ``map_batches(ClassifyBatch, fn_constructor_kwargs=…)``).

    Arguments as :meth:`Classifier.classify`, plus ``threads`` (inference
    threads of this actor: give it the actor's ``num_cpus``), ``batch_rows``
    (as :class:`Classifier`; ``1`` for results independent of batching) and
    ``theme_model`` (a saved theme model to assign). Rejected rows stay,
    with nulls and their reason in ``reject_column``. The embedding is a
    variable-size list (``list<float>``), which every writer and engine
    reads.
    """

    def __init__(
        self,
        model: Optional[str] = None,
        taxonomy: Optional[str] = None,
        *,
        threads: int = 1,
        text_columns: Union[str, Sequence[str]] = (),
        mapping: Optional[Mapping[str, str]] = None,
        timezone: str = "UTC",
        embeddings: bool = True,
        theme_model: Optional[str] = None,
        reject_column: Optional[str] = "ticketlens_reject",
        batch_rows: Optional[int] = None,
    ) -> None:
        self.classifier = Classifier(
            model=model, taxonomy=taxonomy, cache=False, threads=threads, batch_rows=batch_rows
        )
        self.themes = ThemeModel.load(theme_model) if theme_model else None
        self.options = dict(
            text_columns=names(text_columns),
            mapping=dict(mapping or {}),
            timezone=timezone,
            embeddings=embeddings or self.themes is not None,
            reject_column=reject_column,
        )
        self.keep_embedding = embeddings

    def __call__(self, batch: pa.Table) -> pa.Table:
        if isinstance(batch, pa.RecordBatch):
            batch = pa.Table.from_batches([batch])
        out = self.classifier.classify(batch, **self.options)
        if self.themes is not None:
            out = self.themes.assign(out)
        if "embedding" in out.column_names:
            if not self.keep_embedding:
                out = out.drop_columns(["embedding"])
            else:
                i = out.schema.get_field_index("embedding")
                col = out.column(i).cast(pa.list_(pa.float32()))
                out = out.set_column(i, pa.field("embedding", col.type), col)
        return out


def classify(
    ds: Any,
    *,
    actors: int = 1,
    num_cpus: int = 1,
    batch_size: int = 4096,
    **options: Any,
) -> Any:
    """``ds`` (a ``ray.data.Dataset``) with the model's columns added:
    ``ds.map_batches(ClassifyBatch, …)`` on a pool of ``actors`` actors of
    ``num_cpus`` CPUs each (inference uses that many threads), batches of
    ``batch_size`` rows. ``options``: those of :class:`ClassifyBatch`.

    The pool holds its CPUs for the whole job: leave some of the cluster's
    CPUs to the tasks upstream of it (reading files, a repartition), or
    those tasks wait for CPUs the actors never give back.
    """
    import ray.data

    options.setdefault("threads", num_cpus)
    return ds.map_batches(
        ClassifyBatch,
        fn_constructor_kwargs=options,
        batch_format="pyarrow",
        batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=num_cpus,
    )
