"""Long work releases the GIL, and Ctrl-C stops it."""

import os
import signal
import subprocess
import sys
import threading

import ceasefire


def test_another_python_thread_runs_during_run():
    ticks = 0
    stop = threading.Event()

    def count():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    t = threading.Thread(target=count)
    t.start()
    before = ticks
    ceasefire.run(ceasefire.builtin(), runs=300_000, seed=1, threads=1)
    during = ticks - before
    stop.set()
    t.join()
    # With the GIL held for the whole run the counter could only advance in
    # the few switches between progress checks.
    assert during > 10_000


def test_ctrl_c_raises_keyboard_interrupt(tmp_path):
    code = (
        "import ceasefire, sys\n"
        "print('started', flush=True)\n"
        "try:\n"
        "    ceasefire.run(ceasefire.builtin(), runs=50_000_000, seed=1)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "    sys.exit(3)\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                         cwd=tmp_path)
    assert p.stdout.readline().strip() == "started"
    threading.Event().wait(1.0)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=60)
    assert p.returncode == 3, out
    assert "interrupted" in out
