"""Themes at scale: fitted once on a sample, assigned per partition.

Clustering is the costly, whole-data step; assigning a ticket to its
nearest saved theme is a dot product. So a large job fits a
:class:`ThemeModel` on a sample (tens of thousands of tickets), broadcasts
it, and every partition calls :meth:`ThemeModel.assign`: the same ids and
labels everywhere, whatever the partitioning. The file format is the CLI's
``themes fit -o theme_model.json`` / ``--theme-model``.
"""

from __future__ import annotations

from os import PathLike
from typing import Any, List, Optional, Sequence, Tuple, Union

import pyarrow as pa

from . import _native
from ._convert import like, to_arrow, with_columns


def _matrix(embeddings: Any) -> Tuple[Any, Any]:
    """Embeddings in any usual shape as ``(rows × dim float32 matrix of the
    valid rows, boolean mask of valid rows)``. Accepts a 2-D numpy array, a
    pyarrow (chunked) fixed-size or variable list array, a pandas/Polars
    Series of vectors, or a list of lists; null rows are masked out."""
    import numpy as np

    if hasattr(embeddings, "to_arrow") and not isinstance(embeddings, (pa.Array, pa.ChunkedArray)):
        embeddings = embeddings.to_arrow()  # Polars
    if isinstance(embeddings, np.ndarray) and embeddings.ndim == 2:
        m = np.ascontiguousarray(embeddings, dtype=np.float32)
        return m, np.ones(len(m), dtype=bool)
    if isinstance(embeddings, pa.ChunkedArray):
        embeddings = embeddings.combine_chunks()
    if isinstance(embeddings, (pa.FixedSizeListArray, pa.ListArray, pa.LargeListArray)):
        valid = np.asarray(embeddings.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        rows = embeddings.filter(pa.array(valid))
        flat = rows.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
        dim = len(flat) // max(len(rows), 1)
        if len(rows) and dim * len(rows) != len(flat):
            raise ValueError("embeddings: rows of different lengths")
        return flat.reshape(len(rows), dim), valid
    rows = list(embeddings)
    valid = np.array([r is not None and not (isinstance(r, float) and r != r) for r in rows], dtype=bool)
    kept = [r for r, v in zip(rows, valid) if v]
    m = np.asarray(kept, dtype=np.float32)
    if m.ndim != 2:
        raise ValueError("embeddings: expected vectors of one length")
    return np.ascontiguousarray(m), valid


class ThemeModel:
    """Saved themes: centres in embedding space, labels, keywords, radii.

    Build one with :meth:`fit` (or :meth:`load` a file written by
    ``ticketlens themes fit``), then :meth:`assign` any number of tables.
    """

    def __init__(self, native: Any) -> None:
        self._native = native

    @classmethod
    def fit(
        cls,
        embeddings: Any,
        texts: Any = None,
        *,
        sentiment: Any = None,
        k: Optional[int] = None,
        seed: int = 42,
        model_sha256: str = "",
    ) -> "ThemeModel":
        """Cluster a sample into themes, as the ``themes`` command does
        (Ward on micro-clusters, k chosen automatically unless ``k`` is
        given), with c-TF-IDF keywords and labels from ``texts``.

        ``embeddings``: the ``embedding`` column of
        :meth:`Classifier.classify`'s output (or any ``rows × dim`` vectors
        of one model); rows that are null (rejected tickets) are skipped
        together with their text. ``texts``: the tickets' text, same
        length. ``sentiment``: optionally the ``sentiment`` column, which
        helps tell issue themes from conversation (thanks, greetings).
        ``model_sha256``: the model the embeddings come from
        (``Classifier.model_sha256``), checked when the CLI uses the file.

        Or pass :meth:`Classifier.classify`'s output alone,
        ``ThemeModel.fit(classified)``: its ``embedding`` column, the text
        the model read (``subject. body``, as the CLI joins them) and its
        ``sentiment``.

        Raises ``ValueError``: lengths differ, a zero or non-finite vector,
        too few texts to find a theme.
        """
        if texts is None:
            table = to_arrow(embeddings)
            if "embedding" not in table.column_names:
                raise ValueError("fit(table) needs an `embedding` column: classify it with embeddings=True")
            texts = _ticket_texts(table)
            if sentiment is None and "sentiment" in table.column_names:
                sentiment = table.column("sentiment")
            embeddings = table.column("embedding")
        m, valid = _matrix(embeddings)
        texts = _strings(texts, valid, "texts")
        sentiments = None if sentiment is None else _strings(sentiment, valid, "sentiment")
        native = _native.ThemeModel.fit(
            m.tobytes(), m.shape[1] if m.ndim == 2 else 0, texts, sentiments, k, seed, model_sha256
        )
        return cls(native)

    @classmethod
    def load(cls, path: Union[str, "PathLike[str]"]) -> "ThemeModel":
        """Read a saved model (``themes fit -o FILE``, or :meth:`save`)."""
        return cls(_native.ThemeModel.load(str(path)))

    @classmethod
    def from_json(cls, text: str) -> "ThemeModel":
        """A model from its JSON text (:meth:`to_json`): how the Spark
        recipe ships one to its workers."""
        return cls(_native.ThemeModel.from_json(text))

    def to_json(self) -> str:
        """The model as JSON text (the saved file's content)."""
        return self._native.to_json()

    def save(self, path: Union[str, "PathLike[str]"]) -> None:
        """Write the model as JSON, the CLI's ``--theme-model`` format."""
        self._native.save(str(path))

    @property
    def labels(self) -> List[str]:
        """Theme labels, by id."""
        return self._native.labels

    @property
    def dim(self) -> int:
        """Embedding width."""
        return self._native.dim

    @property
    def model_sha256(self) -> str:
        """The model whose embeddings it was fitted on ("" when unknown)."""
        return self._native.model_sha256

    def to_dict(self) -> dict:
        """The model as the saved JSON holds it (themes with centres,
        keywords, radii, sizes)."""
        import json

        return json.loads(self._native.to_json())

    def assign(self, data: Any, *, embedding_column: str = "embedding") -> Any:
        """``data`` with each row's nearest saved theme added:
        ``theme_id`` (int64), ``theme_label``, ``theme_distance`` (cosine
        distance to the theme's centre, float32; the CLI's columns) and
        ``theme_outlier`` (farther than 95 % of the theme's own tickets
        were when fitted: collect these to look for new themes). Rows
        without an embedding get nulls.

        A pure function of each row: partitions can be assigned apart (a
        Spark ``mapInArrow``, a Ray ``map_batches``) and agree. Unlike the
        CLI's ``--theme-model``, no emerging themes are formed here: that
        needs all the far tickets together.

        ``data``: a pyarrow Table or RecordBatch, a pandas or Polars
        DataFrame with an ``embedding_column``; the result has its kind.
        """
        import numpy as np

        table = to_arrow(data)
        if embedding_column not in table.column_names:
            raise ValueError(
                f"no `{embedding_column}` column: classify the table with embeddings=True first"
            )
        m, valid = _matrix(table.column(embedding_column))
        n = table.num_rows
        ids = np.zeros(n, dtype=np.int64)
        dist = np.zeros(n, dtype=np.float32)
        far = np.zeros(n, dtype=bool)
        if len(m):
            i, d, o = self._native.nearest(m.tobytes(), m.shape[1])
            ids[valid] = i
            dist[valid] = d
            far[valid] = o
        mask = ~valid
        labels = self.labels
        cols = {
            "theme_id": pa.array(ids, pa.int64(), mask=mask),
            "theme_label": pa.array(
                [labels[j] if v else None for j, v in zip(ids.tolist(), valid.tolist())], pa.string()
            ),
            "theme_distance": pa.array(dist, pa.float32(), mask=mask),
            "theme_outlier": pa.array(far, pa.bool_(), mask=mask),
        }
        return like(data, with_columns(table, cols))


def _strings(values: Any, valid: Any, what: str) -> List[str]:
    """A column as Python strings, at the valid rows (null → "")."""
    if hasattr(values, "to_pylist"):
        items = values.to_pylist()
    elif hasattr(values, "tolist"):
        items = values.tolist()
    else:
        items = list(values)
    if len(items) != len(valid):
        raise ValueError(f"{what}: {len(items)} values for {len(valid)} embeddings")
    return ["" if s is None or s != s else str(s) for s, v in zip(items, valid) if v]


def _ticket_texts(table: pa.Table) -> List[Optional[str]]:
    """The text the model read of each row: subject and body joined with
    ". " (one alone when the other is empty), as the CLI joins them."""
    n = table.num_rows
    subject = table.column("subject").to_pylist() if "subject" in table.column_names else [None] * n
    body = table.column("body").to_pylist() if "body" in table.column_names else [None] * n
    if all(s is None for s in subject) and all(b is None for b in body):
        raise ValueError("fit(table) needs a `subject` or `body` column: pass texts= explicitly")
    out: List[Optional[str]] = []
    for s, b in zip(subject, body):
        s, b = s or "", b or ""
        out.append(f"{s}. {b}" if s and b else (s or b))
    return out
