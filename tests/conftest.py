"""Shared fixtures: where the build is, how to run the CLI, and the MXNet oracle.

The oracle is real MXNet 1.9.1 imported in this same interpreter (the venv made
by scripts/setup). If it cannot be imported the whole session fails: the oracle
is never skipped silently."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = (ROOT / ".." / "shared").resolve()
MODELS = SHARED / "models"
BUILD = ROOT / os.environ.get("MXIO_BUILD", "build")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: oracle-heavy; skipped in the sanitizer pass")
    try:
        import mxnet  # noqa: F401
        import numpy
    except Exception as e:  # pragma: no cover - the point is to fail loudly
        raise pytest.UsageError(f"the MXNet oracle cannot be imported ({e}); run scripts/setup")
    if not numpy.__version__.startswith("1.23"):
        raise pytest.UsageError(f"numpy {numpy.__version__}: the oracle needs numpy 1.23.x")


@pytest.fixture(scope="session")
def mx():
    import mxnet
    return mxnet


@pytest.fixture(scope="session")
def build_dir():
    assert (BUILD / "mxio").exists(), f"{BUILD}/mxio not built"
    return BUILD


class Result:
    def __init__(self, p):
        self.code = p.returncode
        self.out = p.stdout
        self.err = p.stderr

    def __repr__(self):
        return f"<exit {self.code}\nstdout: {self.out[:2000]!r}\nstderr: {self.err[:2000]!r}>"


@pytest.fixture(scope="session")
def mxio(build_dir):
    """mxio(*args) runs the CLI and returns a Result (code, out, err) as text."""

    def run(*args, input=None, check=None, text=True):
        p = subprocess.run([str(build_dir / "mxio"), *map(str, args)], capture_output=True,
                           text=text, input=input, timeout=600)
        r = Result(p)
        if check is not None:
            assert r.code == check, r
        return r

    return run


@pytest.fixture(scope="session")
def models():
    assert MODELS.is_dir(), f"{MODELS} missing: the shared model files must sit beside the checkout"
    return MODELS
