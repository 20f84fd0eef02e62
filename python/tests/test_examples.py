"""The README's Python example is python/examples/notebook.py, and both
examples run as written."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "python" / "examples"


def code_of(path):
    """The example's code, without its docstring."""
    text = path.read_text()
    return text.split('"""', 2)[2].strip()


def test_the_readme_python_example_is_the_notebook_example():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Python"):]
    block = section[section.index("```python") + len("```python"):]
    block = block[:block.index("```")].strip()
    assert block == code_of(EXAMPLES / "notebook.py")


def test_the_examples_run(tmp_path):
    for name in ["notebook.py", "ema.py"]:
        done = subprocess.run([sys.executable, str(EXAMPLES / name)], cwd=tmp_path,
                              capture_output=True, text=True,
                              env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "entry-curves.png").stat().st_size > 0
