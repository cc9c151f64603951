"""Spanish inside English citations is marked for screen readers."""

from briefs.page import language, sources


def test_spanish_stretches_of_a_citation_are_marked_and_english_ones_are_not():
    cite = "Boletín ONU, Nota breve sobre los datos de la frontera norte (3 March 2024), with one other work"
    assert language.marked(cite) == (
        'Boletín ONU, <span lang="es">Nota breve sobre los datos de la frontera norte</span> (3 March 2024), with one other work'
    )
    whole = "Gobierno de México, Versión estenográfica, conferencia de prensa del 12 de mayo de 2023"
    assert language.marked(whole) == f'<span lang="es">{whole}</span>'  # neighbouring pieces join
    for english in (
        "Interview of Secretary Blinken with Amna Nawaz of PBS NewsHour (11 May 2023)",
        "Blas Nuñez-Neto Declaration, M.A. v. Mayorkas",
        "INM data provided in response to a request",
    ):
        assert "lang=" not in language.marked(english), english
    assert language.marked("<b>de la & los</b> x") == '<span lang="es">&lt;b&gt;de la &amp; los&lt;/b&gt; x</span>'


def test_the_sources_section_marks_spanish_titles(repo):
    from briefs.data.package import load_package

    pkg = load_package(repo / "data" / "datapackage.json")
    for fig in pkg.figures("001").itertuples():
        pkg.figure(fig.id)  # every figure of the factsheet is cited on its page
    page = sources.to_html(pkg, "001")
    assert '<span lang="es">Gobierno de México, Versión estenográfica' in page
    assert '<span lang="es">Instituto para las Mujeres en la Migración</span> (IMUMI)' in page
