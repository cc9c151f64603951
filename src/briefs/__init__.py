"""Reproducible policy briefs: data package, claims, charts, runs and the book."""

__version__ = "0.1.0"
