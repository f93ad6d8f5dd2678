"""Hostile or broken packages are refused quickly, with memory bounded,
a clear reason and the store unchanged.

The hostile packages are imported one after another in a child process (one per backend) that reports each
import's peak memory (``VmHWM``, reset before each import) and time; without the limits these imports hang,
grow past gigabytes, or end in a traceback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from natije.errors import ValidationError
from natije.ingest import limits
from natije.ingest.limits import Limits
from natije.ingest.problems import ProblemLog
from natije.ingest.program_yaml import parse_program_yaml
from natije.services.ingestion import import_paths
from natije.store import Store

from .conftest import GOOD, dump

CHILD = """
import json, os, sys, time
from natije.errors import ValidationError
from natije.ingest import limits
from natije.services.ingestion import import_paths
from natije.store import Store
from tests.ingest.conftest import dump
def peak_mib():
    # VmHWM: this process's own peak (ru_maxrss of a child can carry its parent's peak over exec)
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
url, cases = sys.argv[1], json.loads(sys.argv[2])
store = Store.open(url)
got = {}
for case, package, overrides in cases:
    limits.LIMITS = limits.Limits(**overrides)
    with open("/proc/self/clear_refs", "w") as fh:  # "5": the peak starts again from the memory in use now
        fh.write("5")
    start = time.monotonic()
    before = dump(store)
    codes, expected = [], []
    try:
        import_paths(store, [package])
    except ValidationError as exc:
        codes = [p.code for p in exc.problems]
        expected = [p.expected for p in exc.problems]
    got[case] = {"codes": codes, "expected": expected, "unchanged": dump(store) == before,
                 "seconds": time.monotonic() - start, "peak_mib": peak_mib()}
store.close()
print(json.dumps(got), flush=True)
# The measurements are printed: end without the interpreter's teardown, which once (2 cores, heavy load)
# raced a native library's thread and aborted with "PyGILState_Release" after the work was done.
os._exit(0)
"""
ROOT = Path(__file__).resolve().parents[2]
PEAK_MIB = 700  # the interpreter with polars, pyarrow and the store's libraries loaded takes about 250 MiB
SECONDS = 60  # generous for a shared machine; the refusals take well under a second


def _child_imports(db: str, cases: list[tuple[str, Path, dict[str, int]]]) -> dict[str, dict]:
    """Import each ``(case, package, limits)`` in turn in one new process: what each import reported."""
    argument = json.dumps([(case, str(package), overrides) for case, package, overrides in cases])
    out = subprocess.run(
        [sys.executable, "-c", CHILD, db, argument],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SECONDS * 3 * len(cases),
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Traceback" not in out.stderr and "terminate" not in out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _copy_good(tmp_path: Path) -> Path:
    folder = tmp_path / "pkg"
    shutil.copytree(GOOD, folder)
    return folder


def billion_laughs(tmp_path: Path) -> Path:
    folder = _copy_good(tmp_path)
    lines = ["lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
    text = (folder / "program.yaml").read_text(encoding="utf-8")
    (folder / "program.yaml").write_text(
        text.replace("sources:", "\n".join(lines) + "\nsources:", 1), encoding="utf-8"
    )
    return folder


def zip_bomb(tmp_path: Path) -> Path:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for f in sorted(GOOD.iterdir()):
            zf.writestr(f"pkg/{f.name}", f.read_bytes())
        with zf.open("pkg/observations_2024.csv", "w") as member:  # 256 MiB of one row repeated
            member.write(b"indicator,territory,period,value\n")
            chunk = b"TEST2020.INTERNET,000000000,2019,1\n" * 30_000
            for _ in range(256 * (1 << 20) // len(chunk)):
                member.write(chunk)
    assert archive.stat().st_size < 4 << 20
    return archive


def long_line(tmp_path: Path) -> Path:
    folder = _copy_good(tmp_path)
    with open(folder / "observations.csv", "ab") as fh:
        fh.write(b"TEST2020.INTERNET,000000000,2020,80,,,")  # then the note, and as_of
        fh.write(b"x" * (400 << 20) + b",2021-01-01\n")  # a 400 MiB note
    return folder


def wide_header(tmp_path: Path) -> Path:
    folder = _copy_good(tmp_path)
    header = ",".join(f"c{i}" for i in range(200_000))
    (folder / "observations_2024.csv").write_text(header + "\n" + "1," * 199_999 + "1\n")
    return folder


def deep_yaml(tmp_path: Path) -> Path:
    folder = _copy_good(tmp_path)
    text = (folder / "program.yaml").read_text(encoding="utf-8")
    (folder / "program.yaml").write_text(
        text + "extra: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8"
    )
    return folder


def more_rows(tmp_path: Path) -> Path:
    """Two million rows, imported with a limit of 1000 rows: the read stops at the limit."""
    folder = _copy_good(tmp_path)
    rows = "".join(f"TEST2020.INTERNET,000000000,{2010 + i % 12},{i % 90}\n" for i in range(2_000_000))
    (folder / "observations_big.csv").write_text("indicator,territory,period,value\n" + rows)
    return folder


# case -> (package, problem code, part of the expected text, limits that differ from the defaults)
HOSTILE: dict[str, tuple[Callable[[Path], Path], str, str, dict[str, int]]] = {
    "billion_laughs": (billion_laughs, "too_large", "aliases (*name) are expanded", {}),
    "zip_bomb": (zip_bomb, "too_large", "zip bomb", {}),
    "long_line": (long_line, "too_large", "lines of at most 1 MiB", {}),
    "wide_header": (wide_header, "too_large", "at most 64 columns", {}),
    "deep_yaml": (deep_yaml, "too_large", "nested at most 32 deep", {}),
    "more_rows": (more_rows, "too_large", "at most 1000 data rows", {"rows": 1000}),
}


@pytest.fixture(scope="module")
def hostile_package(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``hostile_package(case)``: that case's package, written once for the module (imports only read it)."""
    made: dict[str, Path] = {}

    def get(case: str) -> Path:
        if case not in made:
            made[case] = HOSTILE[case][0](tmp_path_factory.mktemp(case))
        return made[case]

    return get


@pytest.fixture(scope="module")
def hostile_imports(module_db_url: str, hostile_package: Callable[[str], Path]) -> dict[str, dict]:
    """What importing each hostile package into a store that holds the good package reported, by case."""
    store = Store.open(module_db_url)
    import_paths(store, [GOOD])
    store.close()
    return _child_imports(
        module_db_url, [(case, hostile_package(case), HOSTILE[case][3]) for case in HOSTILE]
    )


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_package_is_refused_quickly_with_bounded_memory(
    hostile_imports: dict[str, dict], case: str
) -> None:
    _, code, fragment, _ = HOSTILE[case]
    got = hostile_imports[case]
    assert got["codes"] == [code], got
    assert fragment in got["expected"][0]
    assert got["unchanged"]
    assert got["peak_mib"] < PEAK_MIB, got
    assert got["seconds"] < SECONDS, got


READ_ONLY = """
import sys
from natije.ingest.package import open_package
from natije.ingest.problems import ProblemLog
from natije.ingest.readers import OBSERVATIONS, read_table
log = ProblemLog()
for _ in read_table(open_package(sys.argv[1]), "observations.csv", OBSERVATIONS, log):
    pass
print([p.code for p in log.items])
"""


def test_a_long_line_ends_the_read_without_leaving_a_reader_thread_behind(
    hostile_package: Callable[[str], Path],
) -> None:
    # pyarrow reads ahead on its own thread: an error raised into it aborted the
    # interpreter at exit, at random
    package = hostile_package("long_line")
    for _ in range(4):
        out = subprocess.run(
            [sys.executable, "-c", READ_ONLY, str(package)],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=SECONDS,
        )
        assert (out.returncode, out.stdout.strip(), out.stderr) == (0, "['too_large']", "")


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    def use(**values: int) -> None:
        monkeypatch.setattr(limits, "LIMITS", Limits(**values))

    return use


def _refused(store: Store, package: Path, limit: Callable[[], None] = lambda: None) -> list:
    import_paths(store, [GOOD])
    limit()
    before = dump(store)
    with pytest.raises(ValidationError) as info:
        import_paths(store, [package])
    assert dump(store) == before
    return info.value.problems


def test_xlsx_rows_and_columns_past_the_limits(
    store: Store, tmp_path: Path, small: Callable[..., None]
) -> None:
    folder = _copy_good(tmp_path)
    wb = openpyxl.Workbook()
    wb.active.append(["indicator", "territory", "period", "value"] + [f"x{i}" for i in range(10)])
    wb.save(folder / "observations_wide.xlsx")
    wb = openpyxl.Workbook()
    wb.active.append(["indicator", "territory", "period", "value"])
    for i in range(30):
        wb.active.append(["TEST2020.INTERNET", "000000000", 2010 + i % 12, i])
    wb.save(folder / "observations_long.xlsx")
    problems = _refused(store, folder, lambda: small(columns=12, rows=20))
    assert [(p.file, p.row, p.code) for p in problems] == [
        ("pkg/observations_long.xlsx", 22, "too_large"),
        ("pkg/observations_wide.xlsx", 1, "too_large"),
    ]


def test_zip_member_declared_larger_than_the_file_limit(
    store: Store, tmp_path: Path, small: Callable[..., None]
) -> None:
    archive = tmp_path / "p.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(GOOD.iterdir()):
            zf.writestr(f.name, f.read_bytes())
        zf.writestr("observations_2024.csv", "indicator,territory,period,value\n" + "x,y,z,1\n" * 1000)
    problems = _refused(store, archive, lambda: small(file_bytes=4000))
    assert [(p.file, p.code) for p in problems] == [("p.zip/observations_2024.csv", "too_large")]
    assert "at most 3.91 KiB" in problems[0].expected


def test_program_yaml_past_its_size_limit(store: Store, tmp_path: Path, small: Callable[..., None]) -> None:
    problems = _refused(store, _copy_good(tmp_path), lambda: small(yaml_bytes=1000))
    assert [(p.file, p.code) for p in problems] == [("pkg/program.yaml", "too_large")]


def test_alias_that_refers_to_itself_is_refused() -> None:
    log = ProblemLog()
    assert parse_program_yaml(b"format: natije-program/1\nx: &a [1, *a]\n", "p/program.yaml", log) is None
    assert [(p.code, p.row) for p in log.items] == [("too_large", 2)]
    assert "refer to themselves" in log.items[0].expected


def test_aliases_within_the_limit_still_load() -> None:
    log = ProblemLog()
    text = b"format: natije-program/1\nx: &a [1, 2]\ny: [*a, *a]\n"
    parse_program_yaml(text, "p/program.yaml", log)
    assert "too_large" not in [p.code for p in log.items]


def test_xlsx_whose_parts_inflate_past_the_ratio_is_refused_before_openpyxl_reads_it(
    store: Store, tmp_path: Path, small: Callable[..., None]
) -> None:
    folder = _copy_good(tmp_path)
    wb = openpyxl.Workbook()
    wb.active.append(["indicator", "territory", "period", "value"])
    for i in range(400):
        wb.active.append(["TEST2020.INTERNET", "000000000", 2010 + i % 12, 50])
    wb.save(folder / "observations_more.xlsx")
    problems = _refused(store, folder, lambda: small(inflate_floor_bytes=1000, inflate_ratio=2))
    assert [(p.file, p.code) for p in problems] == [("pkg/observations_more.xlsx", "too_large")]
    assert (
        problems[0].value.startswith("xl/") and "zip bomb" in problems[0].expected
    )  # a part of the workbook
