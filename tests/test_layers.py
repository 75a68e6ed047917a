"""The layers of docs/DESIGN.md, as import-linter checks them (the contracts are in pyproject.toml)."""

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = settings.BASE_DIR
PACKAGES = ("nrfsite", "sources", "entities", "events")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env={"PYTHONPATH": str(tree), "PATH": ""}, capture_output=True, text=True
    )


def copy_of_the_code(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_every_import_contract(tmp_path):
    result = lint_imports(copy_of_the_code(tmp_path))

    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_a_mechanism_importing_an_app_breaks_the_layers(tmp_path):
    tree = copy_of_the_code(tmp_path)
    with (tree / "nrfsite" / "interchange" / "signals.py").open("a") as module:
        module.write("\nimport events.models  # a mechanism reaching up into an app\n")

    result = lint_imports(tree)

    assert result.returncode == 1
    assert "nrfsite.interchange is not allowed to import events" in result.stdout


def test_an_app_importing_a_higher_app_breaks_the_layers(tmp_path):
    tree = copy_of_the_code(tmp_path)
    with (tree / "entities" / "rules.py").open("a") as module:
        module.write("\nfrom events.models import Event  # entities know nothing of events\n")

    result = lint_imports(tree)

    assert result.returncode == 1
    assert "entities is not allowed to import events" in result.stdout
