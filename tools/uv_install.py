"""Install packages into this virtual environment with uv, from the package indexes pip is set up to use.

Usage: ``.venv/bin/python tools/uv_install.py -e '.[test]'`` (the arguments are those of ``uv pip install``).

uv installs the test extras in seconds where pip takes a minute, but it reads no pip configuration. This
script hands it the index settings pip would use here (pip.conf files and PIP_* variables, as ``pip config
list`` shows them), and asks uv to choose among the indexes as pip does: the best version from any of them.
Like pip, it then writes the bytecode of what was installed, so that no process compiles the libraries again
on import (where PYTHONDONTWRITEBYTECODE is set, each would, every time); it leaves out the libraries' own
test suites (pandas.tests, scipy's, numba's …: a third of the files, half the time) and adds the project's
sources (src/), which every command and test process imports.
"""

from __future__ import annotations

import ast
import compileall
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import uv

# pip setting -> uv option; a setting may hold several values separated by white space.
INDEX_OPTIONS = {
    "index-url": "--index-url",
    "extra-index-url": "--extra-index-url",
    "find-links": "--find-links",
    "constraint": "--constraint",
    "trusted-host": "--allow-insecure-host",
}
# pip setting -> environment variable uv reads for the same thing.
INDEX_ENVIRONMENT = {
    "cert": "SSL_CERT_FILE",
    "proxy": "HTTPS_PROXY",
    "timeout": "UV_HTTP_TIMEOUT",
    "default-timeout": "UV_HTTP_TIMEOUT",  # PIP_DEFAULT_TIMEOUT's name for the same setting
}
# Folders of a library's own tests, which nothing here imports.
LIBRARY_TESTS = re.compile(r"[/\\]tests?[/\\]")
SOURCES = Path(__file__).resolve().parents[1] / "src"
# Later sections win, as in pip: environment variables over the install command's section over the global one.
SECTIONS = ("global", "install", ":env:")


def pip_settings() -> dict[str, str]:
    """The settings pip in this environment runs ``install`` with, by name (``extra-index-url``, …)."""
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], check=True, capture_output=True, text=True
    ).stdout
    by_section: dict[str, dict[str, str]] = {section: {} for section in SECTIONS}
    for line in listing.splitlines():
        key, _, value = line.partition("=")
        section, _, name = key.rpartition(".")
        if section in by_section:
            by_section[section][name] = ast.literal_eval(value)
    return {name: value for section in SECTIONS for name, value in by_section[section].items()}


def uv_command(settings: dict[str, str], arguments: list[str]) -> list[str]:
    """The ``uv pip install`` command line that installs ``arguments`` as pip would with ``settings``.

    >>> uv_command({"extra-index-url": "file:///a file:///b", "cert": "/c.crt"}, ["-e", "."])[-6:]
    ['--extra-index-url', 'file:///a', '--extra-index-url', 'file:///b', '-e', '.']
    """
    command = [uv.find_uv_bin(), "pip", "install", "--quiet", "--python"]
    command += [sys.executable, "--index-strategy", "unsafe-best-match"]
    if settings.get("no-index", "").lower() in ("1", "true", "yes", "on"):
        command.append("--no-index")
    for name, option in INDEX_OPTIONS.items():
        for value in settings.get(name, "").split():
            command += [option, value]
    return command + arguments


def compile_bytecode() -> None:
    """Write the bytecode of the installed libraries but their own tests, and of the project's sources.

    As with pip, a file that does not compile is reported and skipped: it costs its importer time, not the
    install.
    """
    for path in sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}):
        compileall.compile_dir(path, quiet=1, workers=0, rx=LIBRARY_TESTS)
    compileall.compile_dir(SOURCES, quiet=1, workers=0)


def main() -> None:
    """Run uv with pip's index settings and the arguments given, then write the bytecode; exit with uv's
    status."""
    settings = pip_settings()
    environment = dict(os.environ)
    for name, variable in INDEX_ENVIRONMENT.items():
        if name in settings:
            environment.setdefault(variable, settings[name])
    installed = subprocess.run(uv_command(settings, sys.argv[1:]), check=False, env=environment)
    if installed.returncode == 0:
        compile_bytecode()
    sys.exit(installed.returncode)


if __name__ == "__main__":
    main()
