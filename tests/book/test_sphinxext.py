"""The book's Sphinx extension finds the theme templates it overrides."""

from importlib import resources

from briefs.book import sphinxext

TEMPLATES = resources.files("briefs") / "templates"


def test_the_template_overrides_are_where_the_extension_looks():
    # The overrides fix what axe reports on the theme's buttons and sidebar; a wrong folder
    # silently drops them all (as happened when the module moved into book/).
    for name in ("theme-switcher.html", "search-button-field.html", "navbar-logo.html", "layout.html"):
        assert (TEMPLATES / name).is_file(), name
    config = type("Config", (), {"templates_path": ["_templates"], "html_context": None})()
    app = type("App", (), {"extensions": {}})()  # no sphinx-multitoc-numbering loaded
    sphinxext.on_config_inited(app, config)
    assert config.templates_path == [str(TEMPLATES), "_templates"]
