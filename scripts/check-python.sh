#!/usr/bin/env bash
# The Python package as a user installs it: `pip install ./python` into a
# fresh virtual environment (maturin, PyO3, pandas and the rest from PyPI and
# crates.io), then its pytest suite, which compares every DataFrame with the
# files of the release `ceasefire` binary of this checkout. Prints how long
# the install and the tests took.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y -q python3-venv >/dev/null
  else
    echo "check-python: python3 with venv is needed (apt-get install python3-venv)" >&2
    exit 1
  fi
fi
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
started=$SECONDS
"$venv/bin/pip" install -q './python[test,ema]'
echo "check-python: pip install './python[test,ema]' took $((SECONDS - started)) s"
started=$SECONDS
# From the tests' folder: the package under test is the installed one, not
# the source folder python/ceasefire.
(cd python/tests && "$venv/bin/pytest" -q -p no:cacheprovider .)
echo "check-python: pytest took $((SECONDS - started)) s"
