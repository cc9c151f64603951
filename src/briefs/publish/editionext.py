"""A Sphinx extension loaded only when a release compiles an edition: switcher and citation tags.

- The edition switcher (`briefs-editions.html`) goes in the article header, next to the
  button that opens the sidebar: that bar is on every page at every width and stays in
  view (sticky), where the sidebar is scrolled or, on a phone, folded into a drawer.
- Each page named in `briefs_citation_meta` gets its Highwire Press and Dublin Core meta
  tags in its head, for reference managers.
"""

from __future__ import annotations

SWITCHER = "briefs-editions.html"


def on_config_inited(app, config) -> None:
    options = dict(config.html_theme_options or {})
    start = list(options.get("article_header_start") or ["toggle-primary-sidebar.html"])
    if SWITCHER not in start:
        start.append(SWITCHER)
    options["article_header_start"] = start
    config.html_theme_options = options


def on_page_context(app, pagename, templatename, context, doctree) -> None:
    tags = (app.config.briefs_citation_meta or {}).get(pagename)
    if tags:
        context["metatags"] = context.get("metatags", "") + tags


def setup(app):
    app.add_config_value("briefs_citation_meta", {}, "html", dict)
    app.connect("config-inited", on_config_inited)
    app.connect("html-page-context", on_page_context)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
