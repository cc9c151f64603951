"""Start-up time: a grammar that every process compiled and none of them used.

jsonschema (imported by Altair, nbformat and frictionless) imports `rfc3987_syntax` when
it is installed (nbdime brings it, through jupyter_server and jupyter-events), and that
package builds some 35 Lark parsers for IRI syntax as it is imported: about 1.9 s on this
machine, in every brief's kernel and every `briefs` command (jsonschema#1428). Only a
schema that checks the "iri" formats ever calls it; ours do not.

`defer_iri_grammar` puts a stand-in module in its place whose functions import the real
one on first use, so the behaviour is unchanged and the cost is paid only if needed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

NAME = "rfc3987_syntax"


def defer_iri_grammar() -> bool:
    """Install the stand-in (before jsonschema is imported); False if there is nothing to defer."""
    if NAME in sys.modules or importlib.util.find_spec(NAME) is None:
        return False
    stub = types.ModuleType(NAME)

    def real() -> types.ModuleType:
        if sys.modules.get(NAME) is stub:
            del sys.modules[NAME]
        try:
            return importlib.import_module(NAME)
        except BaseException:
            sys.modules.setdefault(NAME, stub)
            raise

    def is_valid_syntax(term: str, value: str):
        return real().is_valid_syntax(term, value)

    def __getattr__(attr: str):  # PEP 562: any other name loads the real module
        if attr.startswith("__"):  # the import system asks for __path__ and friends: not a reason to load
            raise AttributeError(attr)
        return getattr(real(), attr)

    stub.is_valid_syntax = is_valid_syntax
    stub.__getattr__ = __getattr__
    stub.__briefs_deferred__ = True
    sys.modules[NAME] = stub
    return True
