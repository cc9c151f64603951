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


def test_code_is_highlighted_once_unless_its_highlighting_warned():
    from sphinx.highlighting import PygmentsBridge

    class App:
        _warncount = 0

    app, lexed = App(), []
    bridge = PygmentsBridge("html")
    draw = bridge.highlight_block

    def highlight_block(source, lang, opts=None, force=False, location=None, **kwargs):
        lexed.append(source)
        if "warns" in source:
            app._warncount += 1
        return draw(source, lang, opts, force, location, **kwargs)

    bridge.highlight_block = highlight_block
    app.builder = type("Builder", (), {"highlighter": bridge})()
    sphinxext.keep_highlighting(app)
    sphinxext.keep_highlighting(app)  # a second builder-inited changes nothing
    first = bridge.highlight_block("x = 1\n", "python")
    assert bridge.highlight_block("x = 1\n", "python") == first == draw("x = 1\n", "python")
    assert lexed == ["x = 1\n"]
    bridge.highlight_block("x = 1\n", "python", linenos=True)
    bridge.highlight_block("x = 1\n", "ipython3")
    bridge.highlight_block("x = 2\n", "python")
    assert len(lexed) == 4, "another option, language or code is highlighted again"
    bridge.highlight_block("warns = 1\n", "python")
    bridge.highlight_block("warns = 1\n", "python")
    assert lexed[-2:] == ["warns = 1\n"] * 2, "a block that warned warns again on the next compile"
