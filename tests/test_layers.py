"""The package's folders are the layers of the flow, and a module imports only from the layers below it.

data/ -> page/ (inside a brief's kernel) -> execute/ -> book/ and review/ -> publish/ -> cli/.
The README ("How it fits together") and the Architecture guide state the same rules; this test
holds the code to them, so a newcomer can tell from a file's folder what it may import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "briefs"

BASE = {"errors", "atomic", "files", "media", "project"}  # importable from everywhere
ALLOWED = {
    "project": {"errors", "atomic", "files", "media", "project"},
    "data": BASE | {"data"},
    "page": BASE | {"data", "page"},
    "execute": BASE | {"data", "execute"},
    "book": BASE | {"data", "execute", "book"},  # data: `briefs new` registers the new brief's figures
    "review": BASE | {"execute", "review"},
    "publish": BASE | {"data", "execute", "book", "review", "publish"},  # data: `briefs data update` records vintages
    "cli": BASE | {"data", "execute", "book", "review", "publish", "cli"},
}


def layer(module: Path) -> str:
    parts = module.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else module.stem


def imported_layers(module: Path) -> set[str]:
    """The first component under `briefs.` of every import in the module (top level or in a function)."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names if node.module == "briefs"]
        for name in names:
            parts = name.split(".")
            if parts[0] == "briefs" and len(parts) > 1 and parts[1] != "__version__":
                found.add(parts[1])
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_imports_only_from_the_layers_below_it(module):
    own = layer(module)
    allowed = ALLOWED.get(own, BASE)
    wrong = sorted(imported_layers(module) - allowed - {own})
    assert not wrong, f"{module.relative_to(PACKAGE)} ({own}/) imports {', '.join(wrong)}/, above or beside its layer"


def test_every_folder_of_the_package_is_a_known_layer():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders <= set(ALLOWED), folders - set(ALLOWED)


def test_no_two_modules_share_a_name_up_to_a_plural():
    stems: dict[str, Path] = {}
    for module in MODULES:
        key = module.stem.removesuffix("s")
        assert key not in stems, f"{module.relative_to(PACKAGE)} and {stems[key].relative_to(PACKAGE)}"
        stems[key] = module
