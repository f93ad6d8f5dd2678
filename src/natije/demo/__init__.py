"""The Kazakhstan demo dataset shipped inside the package, with its sources.

The packages live in ``natije/demo/data`` (built by ``tools/build_demo.py``; provenance in
``ATTRIBUTION.md``): a reference package (territories with their reforms, population and shared indicators)
and the four digitalization programs, oldest first, so that importing them in this order satisfies
every reference.

Examples
--------
>>> [p.name for p in demo_paths()]
['reference', 'IK2020', 'DK2018', 'TB2021', 'AI2023']
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from natije.errors import NotFound, Text

PROGRAMS = ("IK2020", "DK2018", "TB2021", "AI2023")
"""Demo program codes in lineage order (each program's predecessor comes before it)."""


def data_root() -> Path:
    """Folder of the shipped demo data, as a real filesystem path (works from an installed wheel).

    Raises
    ------
    NotFound
        When the package was installed without its data files.
    """
    resource = files("natije.demo").joinpath("data")
    # wheels and editable installs unpack to real folders; as_file keeps the path usable for zipped installs
    with as_file(resource) as path:
        root = Path(path)
    if not (root / "reference" / "territories.csv").is_file():
        raise NotFound(Text("error.demo_data_missing", path=str(root)))
    return root


def demo_paths() -> list[Path]:
    """Package folders of the demo: the reference package first, then the programs in lineage order."""
    root = data_root()
    return [root / "reference", *(root / "programs" / code for code in PROGRAMS)]


def fibre_cohorts_path() -> Path:
    """CSV ``territory,first_period``: the year fibre reached each region in the demo's (illustrative) panel.

    Pass it to ``natije evaluation run AI2023 AI2023.RURAL_INTERNET_USERS --method cs --cohort-file …``.
    """
    return data_root() / "evaluations" / "fibre_cohorts.csv"
