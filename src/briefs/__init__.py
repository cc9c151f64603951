"""Reproducible policy briefs: data package -> parameterized notebooks -> a versioned Jupyter Book."""

__version__ = "0.1.0"
