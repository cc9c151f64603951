"""Reproducible policy briefs: data package -> parameterized notebooks -> a versioned Jupyter Book."""

from briefs.lazyimports import defer_iri_grammar as _defer_iri_grammar

__version__ = "0.1.0"

_defer_iri_grammar()  # 1.9 s saved in every process that imports jsonschema after us (see lazyimports)
