"""Reads never call writes, and the pure rules read nothing: the imports show it."""

import ast
from pathlib import Path

import pytest

import codevance_api

ROOT = Path(codevance_api.__file__).parent


def _imports(relative: str) -> set[str]:
    tree = ast.parse((ROOT / relative).read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" if module else alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("module", ["payments/selectors.py", "web/selectors.py", "web/operator_selectors.py"])
def test_a_selector_does_not_import_a_service(module):
    assert not any("services" in name for name in _imports(module)), _imports(module)


@pytest.mark.parametrize("module", ["payments/rules.py", "payments/pricing.py", "web/charts.py"])
def test_the_pure_modules_read_nothing(module):
    names = _imports(module)
    assert not any(part in name for name in names for part in ("selectors", "services", "django.db", "settings"))
