"""The package as installed: `cmake --install BUILD --component python --prefix TMP` lays out
TMP/<VRRP_PYTHON_INSTALL_DIR>/vrrp with a generated _paths.py naming TMP/<libdir>/libvrrp.so.0.1,
and a python3 with only that directory on its path (no VRRP_LIBRARY) loads the library from
there. The library itself is installed by the C ABI's own rules (checked by tests/install), so
the built one is linked into place here: this stays a fast test of the python component."""

import os
import pathlib
import subprocess

import pytest

from conftest import env_path


def test_installed_package_finds_its_library(tmp_path: pathlib.Path) -> None:
    build = env_path("VRRP_BUILD_DIR")
    cmake = os.environ.get("VRRP_CMAKE", "cmake")
    prefix = tmp_path / "prefix"
    subprocess.run([cmake, "--install", str(build), "--component", "python", "--prefix",
                    str(prefix)], check=True, capture_output=True, text=True)
    pydir = prefix / os.environ["VRRP_PYTHON_INSTALL_DIR"]
    package = pydir / "vrrp"
    for name in ("__init__.py", "_lib.py", "_types.py", "driver.py", "py.typed", "_paths.py"):
        assert (package / name).is_file(), name
    libdir = prefix / os.environ["VRRP_INSTALL_LIBDIR"]
    library = libdir / "libvrrp.so.0.1"
    assert f'LIBRARY = "{library}"' in (package / "_paths.py").read_text()

    if not library.exists():
        libdir.mkdir(parents=True, exist_ok=True)
        library.symlink_to(env_path("VRRP_LIBRARY"))
    env = {k: v for k, v in os.environ.items() if k not in ("VRRP_LIBRARY", "PYTHONPATH")}
    env["PYTHONPATH"] = str(pydir)
    script = (
        "import vrrp, vrrp._lib as l; print(vrrp.__file__); print(l.lib._name);"
        "lan = vrrp.Lan(); lan.add_router('r1', vrid=1, primary_address='192.0.2.5', virtual_addresses=['192.0.2.3']);"
        "lan.start(); lan.run_for(5); print(lan.masters())"
    )
    done = subprocess.run(["/usr/bin/python3", "-c", script], env=env, cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == str(package / "__init__.py")
    assert lines[1] == str(library)
    assert lines[2] == "[0]"
