"""What the Python benches share: synthetic tickets and a timed CLI run on them."""

import os
import subprocess
import tempfile
import time
from typing import Tuple

import pyarrow as pa
import pyarrow.csv as pcsv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: The CLI built with the wheel's profile (`cargo build --profile wheel --bin ticketlens
#: --bin gen-fixtures`: the synthetic tickets come from `gen-fixtures` beside it),
#: so the CLI and the Python package run the same compiled code.
DEFAULT_BIN = os.path.join(ROOT, "target", "wheel", "ticketlens")


def tickets(bin_path: str, count: int, prefix: str) -> Tuple[str, str, pa.Table]:
    """`count` synthetic tickets (`gen-fixtures --clean`, built beside `bin_path`:
    unique texts) in a
    new directory: `(directory, CSV path, table with every column as a
    string, as an export reads)`."""
    work = tempfile.mkdtemp(prefix=prefix)
    gen = os.path.join(os.path.dirname(bin_path), "gen-fixtures")
    subprocess.run([gen, "--out", work, "--tickets", str(count), "--clean"],
                   check=True, capture_output=True)
    src = os.path.join(work, "tickets.csv")
    parse = pcsv.ParseOptions(newlines_in_values=True)
    names = pcsv.read_csv(src, parse_options=parse).column_names
    table = pcsv.read_csv(src, parse_options=parse, convert_options=pcsv.ConvertOptions(
        column_types={n: pa.string() for n in names}, strings_can_be_null=False))
    return work, src, table


def run_cli(bin_path: str, src: str, out: str) -> float:
    """Seconds `ticketlens classify SRC -o OUT --no-cache` takes."""
    t0 = time.perf_counter()
    subprocess.run([bin_path, "classify", src, "-o", out, "--no-cache", "-q"], check=True)
    return time.perf_counter() - t0
