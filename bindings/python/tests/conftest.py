"""Shared fixtures and helpers of the Python package's tests.

ctest runs them with PYTHONPATH at the source package and VRRP_LIBRARY at the built libvrrp.so;
VRRP_ABI_LAYOUT names the compiled abi_layout program and VRRP_VECTORS tests/vectors."""

import os
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
# Run by hand from the source tree, the package is the one beside this directory.
sys.path.insert(0, str(HERE.parent))


def env_path(name: str) -> pathlib.Path:
    """A path the ctest registration passes in the environment (skip when unset)."""
    value = os.environ.get(name)
    if not value:
        pytest.skip(f"{name} is not set (run through ctest)")
    return pathlib.Path(value)


@pytest.fixture
def vectors() -> pathlib.Path:
    """tests/vectors: keepalived's captures."""
    value = os.environ.get("VRRP_VECTORS")
    path = pathlib.Path(value) if value else HERE.parents[2] / "tests" / "vectors"
    if not path.is_dir():
        pytest.skip(f"no test vectors at {path}")
    return path
