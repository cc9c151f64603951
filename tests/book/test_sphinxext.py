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


def test_code_is_highlighted_once_unless_its_highlighting_warned(monkeypatch):
    from collections import OrderedDict

    from sphinx.highlighting import PygmentsBridge

    monkeypatch.setattr(sphinxext, "_HIGHLIGHTED", OrderedDict())

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


def test_code_highlighted_ahead_is_kept_for_the_compile_unless_it_warned(tmp_path, monkeypatch):
    from collections import OrderedDict

    from sphinx.highlighting import PygmentsBridge

    monkeypatch.setattr(sphinxext, "_HIGHLIGHTED", OrderedDict())
    brief = tmp_path / "brief.md"
    brief.write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n  name: python3\n---\n\n"
        "# A brief\n\n```{code-cell} ipython3\n:tags: [parameters]\n\nlabel = 'x'\n```\n\nText.\n\n"
        "```{code-cell} ipython3\nprint(label)\n```\n"
    )
    guide = tmp_path / "guide.md"
    guide.write_text("# A guide\n\n```bash\nbriefs build\n```\n\n```python\nthis is not $ python\n```\n\n```\nno language\n```\n")
    blocks = list(sphinxext.code_blocks([str(brief), str(guide), str(tmp_path / "gone.md")]))
    assert blocks == [
        ("label = 'x'", "ipython3"),
        ("print(label)", "ipython3"),
        ("briefs build\n", "bash"),
        ("this is not $ python\n", "python"),
    ]
    assert sphinxext.prehighlight([str(brief), str(guide)]) == 3, "the block that does not lex as its language is not kept"

    class App:  # the compile's builder, with the style its theme chose
        _warncount = 0

    app, lexed = App(), []
    bridge = PygmentsBridge("html", "tango")
    draw = bridge.highlight_block
    bridge.highlight_block = lambda source, lang, *args, **kwargs: lexed.append(source) or draw(source, lang, *args, **kwargs)
    app.builder = type("Builder", (), {"highlighter": bridge})()
    sphinxext.keep_highlighting(app)
    for source, lang in blocks:  # as visit_literal_block asks
        done = bridge.highlight_block(source, lang, opts={}, linenos=False, location=None, force=False)
        assert done == draw(source, lang, opts={}, linenos=False, force=False)
    assert lexed == ["this is not $ python\n"]
    stop = type("Stop", (), {"is_set": lambda self: True})()
    monkeypatch.setattr(sphinxext, "_HIGHLIGHTED", OrderedDict())
    assert sphinxext.prehighlight([str(brief)], stop) == 0, "it stops once the compile starts"
