"""The overhead of `ceasefire.run` against `ceasefire run`: 100,000 runs of
Geneva 2016, both side by side, pair by pair (the binary writes its results
directory; the package returns every DataFrame). Run from the repository's
root after `cargo build --release` and `pip install ./python`:

    python python/benches/overhead.py [PAIRS]
"""

import statistics
import subprocess
import sys
import tempfile
import time

import ceasefire

PAIRS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
RUNS = 100_000
BINARY = "target/release/ceasefire"


def cli(out):
    subprocess.run([BINARY, "run", "--runs", str(RUNS), "--out", out, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)


def python():
    r = ceasefire.run(ceasefire.builtin(), runs=RUNS)
    for name in ["summary", "curves", "daily", "daily_metrics", "runs"]:
        getattr(r, name)


def timed(f, *args):
    started = time.perf_counter()
    f(*args)
    return time.perf_counter() - started


cli_times, py_times = [], []
with tempfile.TemporaryDirectory() as scratch:
    for k in range(PAIRS):
        cli_times.append(timed(cli, f"{scratch}/{k}"))
        py_times.append(timed(python))
a, b = statistics.median(cli_times), statistics.median(py_times)
print(f"ceasefire run:  median {a:.3f} s of {PAIRS} ({', '.join(f'{t:.3f}' for t in cli_times)})")
print(f"ceasefire.run:  median {b:.3f} s of {PAIRS} ({', '.join(f'{t:.3f}' for t in py_times)})")
print(f"overhead: {b - a:+.3f} s ({100 * (b - a) / a:+.1f}%)")
