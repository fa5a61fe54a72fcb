#!/usr/bin/env bash
# The Python package and the Spark recipe, as CI runs them (after `cargo
# test`, which builds target/debug/ticketlens for the comparisons):
# a fresh virtualenv, `pip install ./python` (maturin from PyPI; the dev
# profile here so the wheel reuses the test build's units, users get the
# `wheel` profile), pandas, pyarrow and pyspark from PyPI, and Java from
# Debian's default-jre-headless when the machine has none.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v java >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null
fi
venv=target/py-ci
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q "pyarrow>=14" "pandas>=1.5" "pyspark>=3.5"
MATURIN_PEP517_ARGS="--profile dev" "$venv/bin/pip" install -q ./python
"$venv/bin/python" python/tests/test_classify.py
"$venv/bin/python" python/tests/test_frames.py
# Spark logs a lot on stderr: kept in a file, shown when the test fails.
"$venv/bin/python" python/tests/test_spark.py 2>"$venv/spark.log" || {
    tail -n 60 "$venv/spark.log"
    exit 1
}
