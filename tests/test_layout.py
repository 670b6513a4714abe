"""The package's layering: tone is a leaf, the command line has no import cycle, the public API is unchanged."""

from __future__ import annotations

import ast
from pathlib import Path

import tension

PACKAGE = Path(tension.__file__).parent


def _imports(path: Path) -> set[str]:
    """Every ``tension...`` module that ``path`` imports (at any level of the file)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tension"):
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("tension"))
    return out


def test_tone_imports_nothing_outside_tone():
    for path in (PACKAGE / "tone").glob("*.py"):
        outside = {m for m in _imports(path) if not m.startswith("tension.tone")}
        assert not outside, f"{path.name} imports {outside}"


def test_library_never_imports_streamlit():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not any(n.split(".")[0] == "streamlit" for n in names), path


def test_cli_modules_import_only_downwards():
    """Command modules import common/inputs, never the package that registers them (no cli ↔ command cycle)."""
    for path in (PACKAGE / "cli").glob("*.py"):
        if path.name == "__init__.py":
            continue
        cli_imports = {m for m in _imports(path) if m == "tension.cli" or m.startswith("tension.cli.")}
        assert cli_imports <= {"tension.cli.common", "tension.cli.inputs"}, f"{path.name} imports {cli_imports}"


def test_public_api_kept():
    for name in tension.__all__:
        assert hasattr(tension, name), name
    assert tension.tone.score("We firmly oppose this.") < 0
    assert tension.tone_learned.score("We welcome the productive talks.") > 0
