"""Reading exports and computing KPIs: ticketlens' ingest and KPI engine
over tables."""

from __future__ import annotations

import warnings
from os import PathLike
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

import pyarrow as pa

from . import _native
import json

from ._convert import from_ipc, names, new_frame, rejects_table, to_arrow, to_ipc


class DataQualityWarning(UserWarning):
    """Rows were rejected, or the ingest doubted a value (an ambiguous date
    order, an unknown status): the numbers are computed from fewer rows, or
    from a reading you may want to check."""


def read_export(
    path: Union[str, "PathLike[str]"],
    *,
    text_columns: Union[str, Sequence[str]] = (),
    timezone: str = "UTC",
    encoding: Optional[str] = None,
    date_order: Optional[str] = None,
    csat_scale: Optional[int] = None,
    conversations: bool = False,
    bot_author: Optional[str] = None,
    **mapping: str,
) -> Tuple[pa.Table, pa.Table]:
    """Read a helpdesk export (CSV, JSON/JSONL, Parquet or Arrow; Zendesk,
    Freshdesk, Jira, ServiceNow, Salesforce, Intercom …) as the CLI reads
    it, and return ``(tickets, rejects)`` as pyarrow Tables.

    ``tickets``: one row per accepted ticket, in file order, with typed
    fields: ``line`` (where the row is in the file), ``ticket_id``, then
    each field the export has, under the CLI's field names:
    ``customer_id``, ``created_at`` (``timestamp[us, UTC]``),
    ``first_response_at`` or ``first_response_minutes``, ``resolved_at``
    or ``resolution_hours``, ``handle_minutes``, ``status``,
    ``resolution_code`` (Jira's Resolution …), ``channel``,
    ``priority``, ``agent``, ``team``, ``escalated`` (bool),
    ``escalated_at``, ``reopens``, ``replies`` (int64), ``csat`` (1–5),
    ``nps`` (0–10), ``ces`` (1–7), ``subject``, ``body``, ``tags``
    (``list<string>``); then the export's other columns as strings. The
    table can be passed to :meth:`Classifier.classify` and :func:`kpis`
    as it is.

    ``rejects``: ``line``, ``reason`` and ``raw`` for each row that could not
    become a ticket (a date that is not a date, a CSAT of 9 …), as the
    CLI's rejects file.

    ``**mapping``: field → column overrides, as ``--map``
    (``read_export("x.csv", body="Description", created_at="Opened")``).
    ``text_columns``: the columns the model reads (replacing subject and
    body). ``timezone``: the IANA zone of timestamps without an offset.
    ``encoding``: force a character encoding (``windows-1252`` …).
    ``date_order``: ``"dmy"`` or ``"mdy"`` for all-numeric dates no value
    decides. ``csat_scale``: ``5`` (answers 1–5), ``3`` (a three-face
    survey, 1–3: read as 1, 3, 5, so ``csat`` stays on 1–5), ``10`` (0–10)
    or ``100`` (0–100), both mapped linearly onto 1–5; ``None`` (the
    default) decides from the answers as the CLI does (0–10 or 0–100 when
    enough answers are above 5 or 10, else 1–5, with a warning when not
    1–5).

    ``conversations=True``: the file is a message log (Intercom conversation
    parts, Twitter/X threads, chat transcripts: a row per message), as the
    CLI's ``kpi --conversations`` reads it: one ticket per customer-started
    thread, with ``customer_id``, ``created_at``, ``first_response_at``
    (the first human company reply), ``resolved_at``, ``agent``,
    ``replies`` and ``body`` (the customer's messages). ``**mapping`` then
    names message fields (``conversation_id``, ``author``, ``role``,
    ``timestamp``, ``text`` …); ``bot_author`` is a regular expression for
    automated company authors (their messages are neither replies nor
    first responses). The rejects' ``line`` is the message's.

    Rejected rows and the ingest's doubts are also issued as
    :class:`DataQualityWarning`. Raises ``OSError`` when the file cannot be
    read (missing, unreadable) and ``ValueError`` when it is not a usable
    export (no header, an unknown mapped column, a bad option), each with
    the CLI's one-line message (which names the CLI's options: ``--map`` is
    ``**mapping`` here, ``--text-column`` is ``text_columns``).
    """
    if conversations:
        if text_columns or date_order:
            raise ValueError("conversations=True takes no text_columns or date_order: map `text` and `timestamp`")
        ipc, rejects, read, notes, _ = _native.read_conversations(
            str(path), list(mapping.items()), timezone, encoding, bot_author
        )
    else:
        if bot_author is not None:
            raise ValueError("bot_author= is for message logs: pass conversations=True")
        ipc, rejects, read, notes, _ = _native.read_export(
            str(path),
            names(text_columns),
            list(mapping.items()),
            timezone,
            encoding,
            date_order,
            csat_scale,
        )
    table = from_ipc(ipc)
    for note in notes:
        warnings.warn(note, DataQualityWarning, stacklevel=2)
    if rejects:
        warnings.warn(
            f"{len(rejects)} of {read} rows rejected ({rejects[0][1]} …): see the rejects table",
            DataQualityWarning,
            stacklevel=2,
        )
    return table, rejects_table(rejects, first="line")


def kpis(
    data: Any,
    by: Union[str, Sequence[str], None] = None,
    period: Optional[str] = None,
    *,
    timezone: str = "UTC",
    as_of: Optional[str] = None,
    sla: Optional[str] = None,
    sla_resolution: Optional[str] = None,
    business_hours: Optional[str] = None,
    fcr: str = "one-touch",
    mapping: Optional[Mapping[str, str]] = None,
    date_order: Optional[str] = None,
    csat_scale: Optional[int] = None,
    report: bool = False,
) -> Any:
    """Support KPIs of a table of tickets, as the ``kpi`` command computes
    them: a tidy table with a row per group × period.

    ``data``: a pyarrow Table or RecordBatch, a pandas or Polars DataFrame:
    :func:`read_export`'s tickets, :meth:`Classifier.classify`'s output, or
    any export-shaped table (columns mapped as the CLI maps them,
    ``mapping`` overriding). A creation-time column is required. The
    result is of the same kind (pandas in, pandas out).

    ``by``: one dimension or several (every combination that has tickets):
    ``channel``, ``priority``, ``agent``, ``team``, ``status``,
    ``customer``, ``tag``, ``language``, and the model's ``sentiment``,
    ``topic``, ``theme`` (read from the columns ``classify`` and
    :meth:`ThemeModel.assign` add). ``period``: ``"day"``, ``"week"``
    (ISO) or ``"month"``, by creation time in ``timezone``. Neither: one
    row, the overall KPIs.

    Columns: the dimensions, ``period``, then every KPI of the CLI's
    ``kpis_by_*.csv`` (docs/kpi.md has the definitions): ``tickets``,
    ``first_response_minutes_median``, ``resolution_hours_median``,
    ``csat_rate`` (share of 4–5 answers), ``nps`` (−100…100), ``backlog``,
    ``sla_breach_rate``, ``fcr_rate``, ``reopen_rate``, … Whole-number
    columns are int64, the rest float64, null where a KPI has no data.

    With a period, every period from the first ticket to ``as_of`` has a
    row, empty ones too (``tickets`` 0), so a gap shows as a gap.

    ``as_of``: measure backlog and SLA at this instant (default: the
    latest timestamp in the data; ``report=True`` shows the one used). ``sla``/``sla_resolution``: targets as
    the CLI's ``--sla`` (``"urgent=30m,high=2h"``). ``business_hours``:
    ``"Mon-Fri 09:00-17:00 Europe/Berlin"``. ``fcr``: ``"one-touch"`` or
    ``"one-reply"``.

    ``date_order``: ``"dmy"`` or ``"mdy"`` for all-numeric dates no value
    decides (text columns of a raw export; typed timestamps need none).
    ``csat_scale``: ``3`` when the table's CSAT answers are on 1–3 (as
    :func:`read_export`; default ``None``: decided from the answers, 1–5
    unless enough are above 5 or 10).

    ``report=True`` returns ``(table, report)`` instead: ``report`` is the
    whole kpis.json as a dict (``as_of``, ``overall``, distributions, peak
    hours …) with ``rejects`` added (a pyarrow Table of ``row``, ``reason``,
    ``raw``).

    Rejected rows and the ingest's doubts (ambiguous dates, a
    business-hours column read as first response) are issued as
    :class:`DataQualityWarning`. Raises ``ValueError`` with the CLI's
    one-line message (no creation-time column, an unknown dimension, a bad
    option), and when ``by`` names a model column the table does not have
    (``theme`` before :meth:`ThemeModel.assign`, ``sentiment`` or
    ``topic`` before :meth:`Classifier.classify`): every ticket would
    otherwise land in one ``(none)`` group.
    """
    dims = names(by)
    table = to_arrow(data)
    for dim, column, step in (
        ("theme", "theme_label", "ThemeModel.assign"),
        ("sentiment", "sentiment", "Classifier.classify"),
        ("topic", "topic", "Classifier.classify"),
    ):
        if dim in [d.strip() for d in dims] and column not in table.column_names:
            raise ValueError(
                f"by={dim!r} needs a `{column}` column: run {step} on the table first"
            )
    ipc, rejects, text, notes = _native.kpis_ipc(
        to_ipc(table),
        dims,
        period,
        timezone,
        as_of,
        sla,
        sla_resolution,
        business_hours,
        fcr,
        list((mapping or {}).items()),
        date_order,
        csat_scale,
    )
    for note in notes:
        warnings.warn(note, DataQualityWarning, stacklevel=2)
    if rejects:
        warnings.warn(
            f"{len(rejects)} of {table.num_rows} rows rejected ({rejects[0][1]} …): "
            "the KPIs are computed without them",
            DataQualityWarning,
            stacklevel=2,
        )
    out = new_frame(data, from_ipc(ipc))
    if report:
        full = json.loads(text)
        full["rejects"] = rejects_table(rejects)
        return out, full
    return out
