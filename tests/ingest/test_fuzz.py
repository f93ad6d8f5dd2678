"""Arbitrary bytes into every reader and the package opener: only natije problems come out,
never a traceback."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from natije.errors import ValidationError
from natije.ingest.package import open_package
from natije.ingest.plan import prepare
from natije.ingest.problems import ProblemLog
from natije.ingest.program_yaml import parse_program_yaml
from natije.ingest.readers import OBSERVATIONS, read_table, supported_extensions

from .conftest import GOOD

# an error a library prints instead of raising ("Exception ignored in ...") reaches the
# user as a traceback too
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


def _valid(ext: str) -> bytes:
    """A small valid file of each kind: mutating it reaches deeper into a parser than random bytes do."""
    frame = pl.DataFrame(
        {
            "indicator": ["TEST2020.INTERNET"] * 3,
            "territory": ["000000000"] * 3,
            "period": ["2018", "2019", "2020"],
            "value": ["1", "2", "3"],
        }
    )
    buf = io.BytesIO()
    if ext == ".csv":
        frame.write_csv(buf)
    elif ext == ".parquet":
        frame.write_parquet(buf)
    elif ext == ".xlsx":
        wb = openpyxl.Workbook()
        wb.active.append(frame.columns)
        for row in frame.rows():
            wb.active.append(list(row))
        wb.save(buf)
    elif ext == ".zip":
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(GOOD.iterdir()):
                zf.writestr(f"p/{f.name}", f.read_bytes())
    return buf.getvalue()


def damaged(ext: str) -> st.SearchStrategy[bytes]:
    """Random bytes, or a valid file with some bytes overwritten, cut short or spliced."""
    good = _valid(ext)

    @st.composite
    def mutate(draw: st.DrawFn) -> bytes:
        data = bytearray(good)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
        cut = draw(st.one_of(st.just(len(data)), st.integers(len(data) // 2, len(data))))
        return bytes(data[:cut]) + draw(st.binary(max_size=16))

    return st.one_of(st.binary(max_size=4096), mutate())


EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("ext", supported_extensions())
def test_every_reader_turns_any_bytes_into_batches_or_problems(
    ext: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    @EXAMPLES
    @given(content=damaged(ext))
    def run(content: bytes) -> None:
        folder = tmp_path_factory.mktemp("p")
        (folder / "program.yaml").write_text("format: natije-program/1\n")
        (folder / f"observations{ext}").write_bytes(content)
        log = ProblemLog()
        for batch in read_table(open_package(folder), f"observations{ext}", OBSERVATIONS, log):
            assert set(OBSERVATIONS.columns) <= set(batch.columns)
        assert all(p.code and p.expected for p in log.items)

    run()


@EXAMPLES
@given(content=damaged(".zip"))
def test_the_package_opener_refuses_any_broken_zip_with_problems(
    tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    path = tmp_path_factory.mktemp("z") / "p.zip"
    path.write_bytes(content)
    try:
        prepare([path], None).close()
    except ValidationError as exc:
        assert exc.problems and all(p.expected for p in exc.problems)


@EXAMPLES
@given(
    content=st.one_of(
        st.binary(max_size=2048),
        st.text(max_size=400).map(str.encode),
        damaged(".csv").map(lambda b: (GOOD / "program.yaml").read_bytes()[: len(b)] + b),
    )
)
def test_program_yaml_of_any_bytes_gives_problems_not_tracebacks(content: bytes) -> None:
    log = ProblemLog()
    parse_program_yaml(content, "p/program.yaml", log)
    assert all(p.expected for p in log.items)


def test_a_damaged_zip_entry_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    data = bytearray(_valid(".zip"))
    at = data.find(b"p/observations.csv") + len("p/observations.csv") + 30  # inside the entry's packed bytes
    data[at] ^= 0xFF
    (tmp_path / "p.zip").write_bytes(bytes(data))
    with pytest.raises(ValidationError) as info:
        prepare([tmp_path / "p.zip"], None)
    assert [(p.file, p.code) for p in info.value.problems] == [("p.zip/observations.csv", "zip")]


def test_a_folder_package_with_damaged_files_is_refused_whole(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    for f in GOOD.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "observations_x.parquet").write_bytes(b"PAR1" + b"\0" * 64 + b"PAR1")
    with pytest.raises(ValidationError) as info:
        prepare([folder], None)
    assert [(p.file, p.code) for p in info.value.problems] == [("p/observations_x.parquet", "format")]


def test_a_file_that_cannot_be_opened_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    for f in GOOD.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "observations_x.csv").symlink_to(tmp_path / "missing.csv")  # a link to nothing
    with pytest.raises(ValidationError) as info:
        prepare([folder], None)
    assert [(p.file, p.code) for p in info.value.problems] == [("p/observations_x.csv", "unreadable")]


def test_parquet_text_that_is_not_utf8_is_an_encoding_problem(tmp_path: Path) -> None:
    """Invalid UTF-8 in a Parquet string column (found by the fuzz test above) is reported, not passed on."""
    offsets = pa.py_buffer(np.array([0, 2], dtype=np.int32).tobytes())
    text = pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(b"\xff\xfe")])
    table = pa.table({"indicator": text, "territory": ["000000000"], "period": ["2020"], "value": [1.0]})
    (tmp_path / "program.yaml").write_text("format: natije-program/1\n")
    pq.write_table(table, tmp_path / "observations.parquet")
    log = ProblemLog()
    assert list(read_table(open_package(tmp_path), "observations.parquet", OBSERVATIONS, log)) == []
    assert [(p.code, p.expected) for p in log.items] == [("encoding", "UTF-8 text")]
