"""Open a program package — a folder or a ``.zip`` — and find the files it holds.

A package holds ``program.yaml`` and/or reference files (``territories.csv``, ``territory_changes.csv``),
any number of ``observations*.csv|xlsx|parquet`` and optionally ``revisions.csv``. A zip is read member by
member without extracting it; a zip whose files sit in one top-level folder is accepted too.

Examples
--------
>>> from natije.demo import demo_paths
>>> pkg = open_package(next(p for p in demo_paths() if p.name == "DK2018"))
>>> pkg.observation_files, pkg.label("observations.csv")
(('observations.csv',), 'DK2018/observations.csv')
>>> pkg.close()
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from natije.errors import Expected, Problem, ValidationError
from natije.ingest import limits
from natije.ingest.limits import GiB as GIB
from natije.ingest.limits import MiB as MIB

PROGRAM_FILE = "program.yaml"
REVISIONS_FILE = "revisions.csv"
TERRITORIES_FILE = "territories.csv"
CHANGES_FILE = "territory_changes.csv"
OBSERVATION_PREFIX = "observations"
OBSERVATION_SUFFIXES = (".csv", ".xlsx", ".parquet")
PACKAGE_MARKERS = (PROGRAM_FILE, TERRITORIES_FILE)


@dataclass(frozen=True)
class Package:
    """A package on disk: where it is and which of its members natije reads.

    Member names are relative to the package root (``observations.csv``); :meth:`label` gives the name
    shown in messages.
    """

    path: Path
    members: tuple[str, ...]
    prefix: str = ""
    _zip: zipfile.ZipFile | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        """Short display name of the package (folder or zip file name)."""
        return self.path.name

    def has(self, member: str) -> bool:
        """Whether the package holds ``member``."""
        return member in self.members

    @property
    def program_file(self) -> str | None:
        return PROGRAM_FILE if self.has(PROGRAM_FILE) else None

    @property
    def observation_files(self) -> tuple[str, ...]:
        """Observation files in name order (``observations.csv`` before ``observations_2024.csv``)."""
        return tuple(
            sorted(
                m
                for m in self.members
                if m.lower().startswith(OBSERVATION_PREFIX) and m.lower().endswith(OBSERVATION_SUFFIXES)
            )
        )

    def label(self, member: str) -> str:
        """How a member is named in problems: ``<package>/<member>``."""
        return f"{self.name}/{member}"

    def size(self, member: str) -> int:
        """Uncompressed size in bytes."""
        if self._zip is not None:
            return self._zip.getinfo(self.prefix + member).file_size
        return (self.path / member).stat().st_size

    @contextmanager
    def open(self, member: str) -> Iterator[IO[bytes]]:
        """A binary stream of ``member`` (streamed from the zip, never extracted whole)."""
        if self._zip is not None:
            damaged = ValidationError(
                Problem(self.label(member), None, None, member, Expected("expected.zip_member"), code="zip")
            )
            try:  # its local header: a bad offset, a name that does not decode, encryption
                entry = self._zip.open(self.prefix + member)
            except (
                zipfile.BadZipFile,
                zlib.error,
                EOFError,
                OSError,
                ValueError,
                NotImplementedError,
                RuntimeError,
            ):
                raise damaged from None
            with entry as fh:
                try:
                    yield fh
                except (zipfile.BadZipFile, zlib.error, EOFError):  # its packed bytes (checksum, truncated)
                    raise damaged from None
        else:
            try:
                fh = open(self.path / member, "rb")  # noqa: SIM115 - closed below; only opening is guarded
            except OSError as exc:  # no permission, a broken link, a folder named like a file
                raise ValidationError(
                    Problem(
                        self.label(member),
                        None,
                        None,
                        exc.strerror or type(exc).__name__,
                        Expected("expected.openable"),
                        code="unreadable",
                    )
                ) from None
            with fh:
                yield fh

    @contextmanager
    def local_path(self, member: str) -> Iterator[Path]:
        """A real file path for readers that need random access (xlsx, parquet);
        zip members spill to a temp file."""
        if self._zip is None:
            yield self.path / member
            return
        with tempfile.TemporaryDirectory(prefix="natije-") as tmp:
            target = Path(tmp) / Path(member).name
            with self.open(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            yield target

    def read_text(self, member: str) -> bytes:
        """The whole member as bytes (for small files such as ``program.yaml``)."""
        with self.open(member) as fh:
            return fh.read()

    def digest(self) -> str:
        """A short SHA-256 over every member's name and bytes: names the import in revision reasons."""
        h = hashlib.sha256()
        for member in sorted(self.members):
            h.update(member.encode() + b"\0")
            with self.open(member) as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        return h.hexdigest()[:12]

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def _relevant(name: str) -> bool:
    low = name.lower()
    return name in (PROGRAM_FILE, REVISIONS_FILE, TERRITORIES_FILE, CHANGES_FILE) or (
        low.startswith(OBSERVATION_PREFIX) and low.endswith(OBSERVATION_SUFFIXES)
    )


def size_text(n: int) -> str:
    """A byte count for people: ``64 MiB``, ``4 GiB``."""
    for unit, scale in (("GiB", GIB), ("MiB", MIB), ("KiB", 1024)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} B"


def inflation_problem(
    info: zipfile.ZipInfo, limit: limits.Limits | limits.UploadLimits | None = None
) -> Expected | None:
    """What a zip entry breaks when it would inflate past ``limit`` (by default the package
    :class:`~natije.ingest.limits.Limits`), else ``None``.

    The declared size is a true bound: Python's zip reader never returns more bytes than it.
    """
    limit = limit or limits.current()
    if info.file_size > limit.file_bytes:
        return Expected(
            "expected.file_at_most", size=size_text(limit.file_bytes), got=size_text(info.file_size)
        )
    if info.file_size > limit.inflate_floor_bytes and info.file_size > limit.inflate_ratio * max(
        1, info.compress_size
    ):
        return Expected(
            "expected.inflate_at_most",
            ratio=limit.inflate_ratio,
            got=size_text(info.file_size),
            packed=size_text(info.compress_size),
        )
    return None


def unsafe_name(name: str) -> bool:
    """An entry that would land outside the package's folder: absolute,
    drive-lettered or climbing with ``..``."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", name)) or ".." in parts


def _open_zip(path: Path) -> Package:
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise ValidationError(Problem(path.name, None, None, path.name, Expected("expected.zip"), code="zip"))
    unsafe = [i.filename for i in infos if unsafe_name(i.filename)]
    if unsafe:
        zf.close()
        raise ValidationError(
            [
                Problem(path.name, None, None, name, Expected("expected.zip_inside"), code="zip_unsafe")
                for name in unsafe
            ]
        )
    names = [n for n in zf.namelist() if not n.endswith("/") and "__MACOSX" not in n]
    prefix = ""
    if not any(n in PACKAGE_MARKERS for n in names):
        tops = {n.split("/", 1)[0] for n in names if "/" in n}
        if len(tops) == 1:
            prefix = tops.pop() + "/"
    members = tuple(
        sorted(n[len(prefix) :] for n in names if n.startswith(prefix) and _relevant(n[len(prefix) :]))
    )
    big = [(m, inflation_problem(zf.getinfo(prefix + m))) for m in members]
    big += (
        [(PROGRAM_FILE, _yaml_too_big(zf.getinfo(prefix + PROGRAM_FILE).file_size))]
        if PROGRAM_FILE in members
        else []
    )
    problems = [
        Problem(f"{path.name}/{m}", None, None, m, e, code="too_large") for m, e in big if e is not None
    ]
    if problems:
        zf.close()
        raise ValidationError(problems)
    return Package(path, members, prefix=prefix, _zip=zf)


def _yaml_too_big(size: int) -> Expected | None:
    limit = limits.current().yaml_bytes
    return (
        Expected("expected.file_at_most", size=size_text(limit), got=size_text(size))
        if size > limit
        else None
    )


def _open_folder(path: Path) -> Package:
    # a link to nothing is kept as a member, so that it is reported instead of silently skipped
    members = tuple(
        sorted(f.name for f in path.iterdir() if (f.is_file() or f.is_symlink()) and _relevant(f.name))
    )
    problems = []
    for m in members:
        try:
            size = (path / m).stat().st_size
        except OSError as exc:
            problems.append(
                Problem(
                    f"{path.name}/{m}",
                    None,
                    None,
                    exc.strerror or type(exc).__name__,
                    Expected("expected.openable"),
                    code="unreadable",
                )
            )
            continue
        expected = (
            _yaml_too_big(size)
            if m == PROGRAM_FILE
            else (
                Expected(
                    "expected.file_at_most", size=size_text(limits.current().file_bytes), got=size_text(size)
                )
                if size > limits.current().file_bytes
                else None
            )
        )
        if expected is not None:
            problems.append(Problem(f"{path.name}/{m}", None, None, m, expected, code="too_large"))
    if problems:
        raise ValidationError(problems)
    return Package(path, members)


def open_package(path: str | Path) -> Package:
    """Open one package folder or zip; raise :class:`ValidationError` if it holds no package files."""
    p = Path(path)
    if not p.exists():
        raise ValidationError(Problem(str(p), None, None, str(p), Expected("expected.path"), code="missing"))
    if p.is_dir():
        pkg = _open_folder(p)
    elif p.suffix.lower() == ".zip":
        pkg = _open_zip(p)
    else:
        raise ValidationError(
            Problem(p.name, None, None, p.name, Expected("expected.package_kind"), code="package")
        )
    if not any(pkg.has(m) for m in PACKAGE_MARKERS):
        pkg.close()
        raise ValidationError(
            Problem(
                pkg.name,
                None,
                None,
                ", ".join(pkg.members) or "(no package files)",
                Expected("expected.package_files", program=PROGRAM_FILE, territories=TERRITORIES_FILE),
                code="package",
            )
        )
    return pkg


def discover(path: str | Path, depth: int = 3) -> list[Path]:
    """Package paths under ``path``: itself if it is a package, else the packages and zips below it, sorted.

    A folder that is not a package is searched ``depth`` levels down (``demo/data`` → ``reference``,
    ``programs/DK2018``, …); a path with nothing inside is returned as is, so opening it reports why.
    """
    p = Path(path)
    if not p.is_dir() or any((p / m).is_file() for m in PACKAGE_MARKERS):
        return [p]
    found: list[Path] = []
    if depth > 0:
        for child in sorted(p.iterdir()):
            if child.suffix.lower() == ".zip" and child.is_file():
                found.append(child)
            elif child.is_dir():
                below = discover(child, depth - 1)
                found.extend(
                    b for b in below if b != child or any((b / m).is_file() for m in PACKAGE_MARKERS)
                )
    return found or [p]
