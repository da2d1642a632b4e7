"""The layers of pyproject.toml's import-linter contracts hold, and the gate really fails on a
wrong-direction import (issue 12)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
# Only what import-linter reads: the Python packages and pyproject.toml.
NIET_KOPIEREN = shutil.ignore_patterns("__pycache__", "static", "templates", "locale", "*.mo", "*.po", "*.js", "*.css")


def _pakketten() -> list[Path]:
    return [p for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name not in {"tests", "bench"}]


@pytest.fixture
def kopie(tmp_path):
    for pakket in _pakketten():
        shutil.copytree(pakket, tmp_path / pakket.name, ignore=NIET_KOPIEREN)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(waar: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own venv's script, fixed arguments
        [str(LINT_IMPORTS), "--no-cache"], cwd=waar, capture_output=True, text=True, timeout=120, check=False
    )


def test_de_echte_boom_houdt_zich_aan_de_lagen():
    uitkomst = lint_imports(ROOT)
    assert uitkomst.returncode == 0, uitkomst.stdout + uitkomst.stderr


@pytest.mark.parametrize(
    ("module", "regel"),
    [
        ("meldingen/verkeerd.py", "import coordinatie.views\n"),  # meldingen reaching up to the staff screens
        ("hotspots/verkeerd.py", "from acties import models\n"),  # hotspots reaching up to actions
        ("privacy/verkeerd.py", "from meldingen.models import Melding\n"),  # the floor reaching up
        ("integrations/geocoding/verkeerd.py", "import meldingen\n"),  # the adapter reaching into the domain
    ],
)
def test_een_import_in_de_verkeerde_richting_laat_de_poort_falen(kopie, module, regel):
    # given a copy of the tree that passes
    assert lint_imports(kopie).returncode == 0
    # when a module imports against the layers
    (kopie / module).write_text(f'"""A wrong-direction import, written by the test."""\n\n{regel}')
    # then the gate fails and names the broken contract
    uitkomst = lint_imports(kopie)
    assert uitkomst.returncode != 0
    assert "BROKEN" in uitkomst.stdout
    assert module.removesuffix(".py").replace("/", ".") in uitkomst.stdout
