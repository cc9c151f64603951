"""Every third-party package the library imports is declared in pyproject.toml.

Imports at a module's top level need a core dependency (`import briefs.x` must work in any
installation); an import inside a function may instead come from an optional extra other
than `test` (the PDF printer imports Playwright only when it prints).
"""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO

PACKAGE = REPO / "src" / "briefs"


def declared() -> tuple[set[str], set[str]]:
    """(core dependencies, dependencies of the optional extras other than `test`), as canonical names."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    extras = {
        canonicalize_name(Requirement(r).name)
        for name, reqs in project["optional-dependencies"].items()
        if name != "test"
        for r in reqs
    }
    return core, extras


def third_party_imports(source: str) -> dict[str, bool]:
    """Top-level module names imported by this source, each with whether some import of it is at module level."""
    tree = ast.parse(source)
    in_functions = {
        id(node)
        for fn in ast.walk(tree)
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for node in ast.walk(fn)
        if node is not fn
    }
    found: dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or top in ("briefs", "__future__"):
                continue
            found[top] = found.get(top, False) or id(node) not in in_functions
    return found


def undeclared(modules: dict[str, str]) -> list[str]:
    """One line per import that no declared dependency provides; `modules` maps a file name to its source."""
    core, extras = declared()
    providers = packages_distributions()
    problems = []
    for name, source in sorted(modules.items()):
        for module, at_top in sorted(third_party_imports(source).items()):
            dists = {canonicalize_name(d) for d in providers.get(module, [])}
            allowed = core if at_top else core | extras
            if not dists:
                problems.append(f"{name}: imports {module}, which no installed distribution provides")
            elif not dists & allowed:
                where = "dependencies" if at_top else "dependencies or a non-test extra"
                problems.append(
                    f"{name}: imports {module} ({', '.join(sorted(dists))}) at "
                    f"{'module level' if at_top else 'run time'}, not in the {where} of pyproject.toml"
                )
    return problems


def library_sources() -> dict[str, str]:
    return {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_import_of_the_library_is_a_declared_dependency():
    sources = library_sources()
    assert len(sources) > 30
    assert undeclared(sources) == []


def test_the_imports_this_check_once_missed_are_seen():
    found: dict[str, bool] = {}
    for source in library_sources().values():
        for module, at_top in third_party_imports(source).items():
            found[module] = found.get(module, False) or at_top
    assert {"numpy", "myst_nb", "IPython", "jupyter_client", "nbformat", "yaml", "pandas"} <= set(found)
    assert found["playwright"] is False  # imported only when printing


def test_an_undeclared_or_misplaced_import_is_named():
    problems = undeclared(
        {
            "a.py": "import hypothesis.strategies\n",  # a test tool
            "b.py": "from playwright.sync_api import sync_playwright\n",  # an extra's, at module level
            "c.py": "def f():\n    import playwright.sync_api\n",  # an extra's, at run time: fine
            "d.py": "import yaml, numpy as np\nfrom . import x\nimport os.path\n",  # declared, relative, stdlib: fine
            "e.py": "import no_such_module_anywhere\n",
        }
    )
    assert problems == [
        "a.py: imports hypothesis (hypothesis) at module level, not in the dependencies of pyproject.toml",
        "b.py: imports playwright (playwright) at module level, not in the dependencies of pyproject.toml",
        "e.py: imports no_such_module_anywhere, which no installed distribution provides",
    ]


def test_the_search_index_is_stemmed_by_the_c_stemmer():
    """PyStemmer is declared only for speed: Sphinx's English search index stems every word of the
    book through snowballstemmer, which takes PyStemmer's C stemmers when they are installed (the
    same Snowball algorithms, so the same index) and its own pure-Python ones otherwise."""
    import snowballstemmer
    import Stemmer

    assert snowballstemmer.stemmer is Stemmer.Stemmer
    assert snowballstemmer.stemmer("porter").stemWord("returns") == "return"
