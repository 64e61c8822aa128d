"""Every module-level public function says what it takes, returns and raises (issue 12, point 7).

Read from the source with ast, so nothing is imported and no database is needed.
"""

import ast
from pathlib import Path

import codevance_api

PACKAGE = Path(codevance_api.__file__).resolve().parent


def _checked_modules():
    """The package's source files, leaving out tests, conftest and migrations."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "migrations" in parts or "tests" in parts or path.name.startswith("test_") or path.name == "conftest.py":
            continue
        yield path


def undocumented_public_functions(source: str) -> list[str]:
    """Names of the module-level functions of `source` not starting with "_" that have no docstring."""
    return [
        node.name
        for node in ast.parse(source).body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and not node.name.startswith("_")
        and ast.get_docstring(node) is None
    ]


def test_checker_flags_a_public_function_without_docstring_only():
    source = (
        "def bare(x):\n    return x\n\n"
        "async def bare_async():\n    pass\n\n"
        "def documented():\n    '''Says what it does.'''\n\n"
        "def _private():\n    pass\n\n"
        "class Thing:\n    def method(self):\n        pass\n"
    )

    assert undocumented_public_functions(source) == ["bare", "bare_async"]


def test_checker_does_not_take_a_leading_comment_or_string_expression_for_a_docstring():
    source = "def commented():\n    # not a docstring\n    return 1\n\ndef f_string():\n    f'''{1}'''\n"

    assert undocumented_public_functions(source) == ["commented", "f_string"]


def test_checked_modules_cover_the_package_but_not_tests_or_migrations():
    paths = [path.relative_to(PACKAGE).as_posix() for path in _checked_modules()]

    assert "payments/services.py" in paths
    assert "core/exceptions.py" in paths
    assert not [path for path in paths if "/migrations/" in path or "/tests/" in path]


def test_every_module_level_public_function_has_a_docstring():
    missing = [
        f"{path.relative_to(PACKAGE).as_posix()}:{name}"
        for path in _checked_modules()
        for name in undocumented_public_functions(path.read_text(encoding="utf-8"))
    ]

    assert missing == [], "public functions without a docstring (shapes, units, errors, source): " + ", ".join(missing)
