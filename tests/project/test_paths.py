"""Where a project keeps what it makes: the per-user cache that every project and checkout share."""

from __future__ import annotations

from briefs.project import paths


def test_the_user_cache_follows_xdg_and_is_made_when_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    folder = paths.user_cache_dir(tmp_path / "project")
    assert folder == tmp_path / "cache-home" / "briefs" and folder.is_dir()


def test_a_user_cache_that_cannot_be_made_falls_back_to_the_project(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    root = tmp_path / "project"
    assert paths.user_cache_dir(root) == paths.cache_dir(root) == root / "build" / "cache"
