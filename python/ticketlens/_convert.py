"""Conversions between the table kinds users hold and pyarrow."""

from __future__ import annotations

from typing import Any

import pyarrow as pa


def to_arrow(data: Any) -> pa.Table:
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
        f"ticketlens takes a pyarrow Table or RecordBatch, or a pandas or Polars "
        f"DataFrame, not {type(data).__name__}"
    )


def like(data: Any, table: pa.Table) -> Any:
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




def to_ipc(table: pa.Table) -> bytes:
    """`table` as an Arrow IPC stream (what the native module reads)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(data: bytes) -> pa.Table:
    """An Arrow IPC stream as a table."""
    return pa.ipc.open_stream(data).read_all()


def new_frame(data: Any, table: pa.Table) -> Any:
    """A new table (not row for row with `data`) in the kind of `data`:
    pandas in, pandas out (fresh index); Polars in, Polars out; else pyarrow."""
    root = type(data).__module__.split(".")[0]
    if root == "pandas":
        return table.to_pandas()
    if root == "polars":
        import polars as pl

        return pl.from_arrow(table)
    return table


def rejects_table(rejects: list, first: str = "row") -> pa.Table:
    """`(row, reason, raw)` triples as a table."""
    return pa.table(
        {
            first: pa.array([r[0] for r in rejects], pa.uint64()),
            "reason": pa.array([r[1] for r in rejects], pa.string()),
            "raw": pa.array([r[2] for r in rejects], pa.string()),
        }
    )


def names(columns: Any) -> list:
    """Column names as a list: one name given as a string is one column
    (not its characters)."""
    if columns is None:
        return []
    if isinstance(columns, str):
        return [columns]
    return list(columns)


def with_columns(table: pa.Table, columns: Any) -> pa.Table:
    """`table` with `columns` (name → array, or a Table) appended, each
    replacing a column of the same name."""
    items = (
        [(columns.schema.field(n), columns.column(n)) for n in columns.column_names]
        if isinstance(columns, pa.Table)
        else list(columns.items())
    )
    for field, col in items:
        name = field if isinstance(field, str) else field.name
        if name in table.column_names:
            table = table.drop_columns([name])
        table = table.append_column(field, col)
    return table
