"""Reads with their owners (issue 12, item 2): a module of app A queries only A's tables. Another app's
rows are read through that app's selectors (or queryset methods on its models) and written through its
services. Checked on the source with `ast`, so a new engineer learns the rule from a red test rather
than from review:

- `<Model>.objects` / `<Model>._default_manager` / `get_object_or_404(<Model>, …)` where the model
  belongs to another app;
- a string literal (raw SQL) naming another app's table, or `<Model>._meta.db_table` of another app's
  model (the same name spelled differently).

Model classes and table names come from Django's app registry, so a new model is covered without
touching this file. Exceptions are listed below, each with its reason; an exception that is no longer
needed fails the test too, so the list only shrinks.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
from django.apps import apps

# Run with the database like the rest of the suite (the session fixtures load the areas into it).
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "meldingen", "hotspots", "coordinatie", "kaart", "acties", "integrations")

# Whole directories that may touch any table.
VRIJ = {
    "migrations": "a migration works on the schema and the data of any app at one point in history",
}

# Models every layer may read, in the ORM and in raw SQL, with the reason.
REFERENTIEDATA = {
    "meldingen.Stadsdeel": "the city's areas: reference data loaded once a year (load_gebieden), joined",
    "meldingen.Wijk": "by the spatial SQL of every layer (hotspot thresholds per wijk, area filters on",
    "meldingen.Buurt": "the map, buurt names); never written outside meldingen/gebieden.py",
}

# (module, other app) → why this module may query that app's tables.
UITZONDERINGEN: dict[tuple[str, str], str] = {}


def _bewaakt() -> list[type]:
    """Our apps' models (many-to-many tables included), without the reference data."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS and model._meta.label not in REFERENTIEDATA
    ]


# Django's shortcuts that query the model they are given.
SNELKOPPELINGEN = {"get_object_or_404", "get_list_or_404"}


def _eigen_modellen() -> dict[str, list[type]]:
    per_naam: dict[str, list[type]] = {}
    for model in _bewaakt():
        per_naam.setdefault(model.__name__, []).append(model)
    return per_naam


def _tabellen() -> dict[str, str]:
    return {model._meta.db_table: model._meta.app_label for model in _bewaakt()}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if any(part in VRIJ for part in rel.parts):
                continue
            yield app, rel.as_posix(), ast.parse(path.read_text(), filename=str(rel))


def _geimporteerde_modellen(tree: ast.Module, per_naam: dict[str, list[type]]) -> dict[str, str]:
    """Local name → owning app, for model classes imported from an app's models module (also
    `from meldingen import models` followed by `models.Melding`, returned as "models.Melding")."""
    namen: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        pakket = node.module.split(".")[0]
        if pakket not in APPS:
            continue
        for alias in node.names:
            lokaal = alias.asname or alias.name
            if node.module.endswith(".models") or node.module == f"{pakket}.models":
                for model in per_naam.get(alias.name, []):
                    if model._meta.app_label == pakket:
                        namen[lokaal] = pakket
            elif alias.name == "models":
                for naam, modellen in per_naam.items():
                    if any(m._meta.app_label == pakket for m in modellen):
                        namen[f"{lokaal}.{naam}"] = pakket
    return namen


def _naam(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _strings(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def overtredingen() -> dict[tuple[str, str], list[str]]:
    """(module, other app) → what it does there, one line per finding."""
    per_naam = _eigen_modellen()
    tabellen = _tabellen()
    tabel_patroon = re.compile(r"\b(" + "|".join(sorted(map(re.escape, tabellen), key=len, reverse=True)) + r")\b")
    gevonden: dict[tuple[str, str], list[str]] = {}
    for app, module, tree in _modules():
        modellen = _geimporteerde_modellen(tree, per_naam)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager"):
                naam = _naam(node.value)
                eigenaar = modellen.get(naam or "")
                if eigenaar and eigenaar != app:
                    gevonden.setdefault((module, eigenaar), []).append(f"{module}:{node.lineno} {naam}.{node.attr}")
            elif (
                isinstance(node, ast.Attribute)
                and node.attr == "db_table"
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "_meta"
            ):
                # `{Melding._meta.db_table}` in an f-string is the table's name by another spelling.
                naam = _naam(node.value.value)
                eigenaar = modellen.get(naam or "")
                if eigenaar and eigenaar != app:
                    gevonden.setdefault((module, eigenaar), []).append(f"{module}:{node.lineno} {naam}._meta.db_table")
            elif isinstance(node, ast.Call) and _naam(node.func) in SNELKOPPELINGEN and node.args:
                naam = _naam(node.args[0])
                eigenaar = modellen.get(naam or "")
                if eigenaar and eigenaar != app:
                    gevonden.setdefault((module, eigenaar), []).append(
                        f"{module}:{node.lineno} {_naam(node.func)}({naam}, …)"
                    )
        for regel, tekst in _strings(tree):
            for tabel in sorted(set(tabel_patroon.findall(tekst))):
                eigenaar = tabellen[tabel]
                if eigenaar != app:
                    gevonden.setdefault((module, eigenaar), []).append(f"{module}:{regel} SQL on {tabel}")
    return {k: sorted(v, key=lambda r: int(r.split(":")[1].split()[0])) for k, v in gevonden.items()}


def test_de_controle_kent_de_modellen_en_tabellen():
    # A check that found nothing to check would pass for the wrong reason.
    per_naam = _eigen_modellen()
    assert per_naam["Melding"][0]._meta.app_label == "meldingen"
    assert per_naam["HotspotMelding"][0]._meta.app_label == "hotspots"
    assert _tabellen()["meldingen_melding"] == "meldingen"
    assert "meldingen_buurt" not in _tabellen()
    assert {apps.get_model(label)._meta.label for label in REFERENTIEDATA} == set(REFERENTIEDATA)
    assert sum(1 for _ in _modules()) > 50


def test_de_controle_ziet_een_leesactie_op_andermans_tabel(tmp_path, monkeypatch):
    """The check itself, on a module written for the purpose: every kind of read of another app's
    tables is found, with its line; a string that only resembles a table name (a cache key, a
    function name) is not."""
    app = tmp_path / "kaart"
    app.mkdir()
    (app / "verkeerd.py").write_text(
        "from meldingen.models import Melding as M\n"
        "from hotspots import models\n"
        "def f():\n"
        "    M.objects.count()\n"
        "    models.Hotspot._default_manager.all()\n"
        "    get_object_or_404(M, pk=1)\n"
        "    return 'SELECT 1 FROM meldingen_meldingevent e'\n"
        "def g():\n"
        "    h = f'SELECT 1 FROM {models.HotspotScore._meta.db_table}'\n"
        "    return 'kaart:grid:' + 'meldingen_versie'\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    gevonden = overtredingen()
    assert sorted(gevonden) == [("kaart/verkeerd.py", "hotspots"), ("kaart/verkeerd.py", "meldingen")]
    assert gevonden[("kaart/verkeerd.py", "meldingen")] == [
        "kaart/verkeerd.py:4 M.objects",
        "kaart/verkeerd.py:6 get_object_or_404(M, …)",
        "kaart/verkeerd.py:7 SQL on meldingen_meldingevent",
    ]
    assert gevonden[("kaart/verkeerd.py", "hotspots")] == [
        "kaart/verkeerd.py:5 models.Hotspot._default_manager",
        "kaart/verkeerd.py:9 models.HotspotScore._meta.db_table",
    ]


def test_elke_app_leest_alleen_zijn_eigen_tabellen():
    gevonden = overtredingen()
    onverklaard = {k: v for k, v in gevonden.items() if k not in UITZONDERINGEN}
    assert not onverklaard, "\n".join(regel for regels in onverklaard.values() for regel in regels)


def test_elke_uitzondering_is_nog_nodig():
    # A loop, not a parametrize: with no exceptions left (the case since issue 12) it passes, not skips.
    gevonden = overtredingen()
    overbodig = [sleutel for sleutel in sorted(UITZONDERINGEN) if sleutel not in gevonden]
    assert not overbodig, f"{overbodig} no longer read those apps' tables: remove them from UITZONDERINGEN"
