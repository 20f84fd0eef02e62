"""Every public function and class has a docstring with an example, and the
examples run."""

import doctest
import inspect

import ceasefire
import ceasefire.ema


def test_every_public_function_has_a_docstring_with_an_example():
    for name in ceasefire.__all__:
        obj = getattr(ceasefire, name)
        if inspect.isfunction(obj):
            assert obj.__doc__ and ">>>" in obj.__doc__, name
        elif inspect.isclass(obj):
            assert obj.__doc__, name
    assert ">>>" in ceasefire.ema.__doc__


def test_the_docstring_examples_run(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    failed, tried = doctest.testmod(ceasefire, optionflags=doctest.ELLIPSIS)
    assert tried > 10
    assert failed == 0


def test_the_stub_names_every_native_function():
    import pathlib

    stub = (pathlib.Path(ceasefire.__file__).parent / "_ceasefire.pyi").read_text()
    for name in ["run", "exact", "compare", "trace", "evaluate", "sensitivity", "fit"]:
        assert f"def {name}(" in stub, name
    assert (pathlib.Path(ceasefire.__file__).parent / "py.typed").exists()
