"""The IRI grammar jsonschema would compile at import is deferred, and still works when asked for."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys, time
import briefs
import altair, jsonschema
loaded_early = "rfc3987_syntax.syntax_helpers" in sys.modules
from jsonschema import FormatChecker
checker = FormatChecker()
print(json.dumps({"early": loaded_early, "good": checker.conforms("http://example.org/ä", "iri"),
                  "bad": checker.conforms("::not an iri", "iri"),
                  "late": "rfc3987_syntax.syntax_helpers" in sys.modules}))
"""


def test_the_grammar_is_compiled_only_when_an_iri_is_checked():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    assert got == {"early": False, "good": True, "bad": False, "late": True}


def test_the_brief_kernel_starts_through_the_package():
    from briefs.execute.run import KERNEL, ensure_kernel
    from jupyter_client.kernelspec import KernelSpecManager

    assert ensure_kernel() == KERNEL
    assert KernelSpecManager().get_kernel_spec(KERNEL).argv[1:3] == ["-m", "briefs.execute.kernel"]
