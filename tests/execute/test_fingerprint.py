"""What a run depends on besides its inputs: the installed distributions, read from their headers."""

from __future__ import annotations

import hashlib
from importlib import metadata

from briefs.execute import fingerprint


def test_the_environment_digest_names_what_the_metadata_parser_names():
    """Reading only the header lines gives every distribution's Name and Version as the email parser does."""
    parsed = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions() if d.metadata["Name"])
    assert len(parsed) > 50
    assert fingerprint.environment_digest() == hashlib.sha256("\n".join(parsed).encode()).hexdigest()


def test_a_field_in_the_description_is_not_taken_for_a_header(tmp_path):
    folder = tmp_path / "demo-1.0.dist-info"
    folder.mkdir()
    (folder / "METADATA").write_text("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\nName: not-this\nVersion: 9\n")
    assert fingerprint._name_and_version(metadata.PathDistribution(folder)) == ("demo", "1.0")
    (folder / "METADATA").write_text("Metadata-Version: 2.1\nSummary: no name\n")
    assert fingerprint._name_and_version(metadata.PathDistribution(folder)) == (None, None)
