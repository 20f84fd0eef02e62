"""Fixtures: the `ceasefire` command line of this repository, whose files
the package's DataFrames must equal."""

import json
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli():
    """A function running the release `ceasefire` binary of this checkout."""
    subprocess.run(
        ["cargo", "build", "--locked", "--release", "--quiet", "--bin", "ceasefire"],
        cwd=ROOT,
        check=True,
    )
    # Where cargo put it: CARGO_TARGET_DIR or a config may move target/.
    metadata = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    target = pathlib.Path(json.loads(metadata.stdout)["target_directory"])
    binary = target / "release" / "ceasefire"

    def call(*args):
        return subprocess.run([str(binary), *map(str, args)], cwd=ROOT, check=True,
                              capture_output=True, text=True)

    return call


@pytest.fixture(scope="session")
def root():
    """The repository's root."""
    return ROOT
