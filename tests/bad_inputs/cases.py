"""The bad-input corpus: each case breaks one thing in a copy of the project and states the one line it must produce.

A case is an edit of a throwaway project (its data files, its data package, or
nothing) plus the `briefs` command to run there, usually `briefs run
imumi-factsheet`. `tests/test_bad_inputs.py` runs every case through
`briefs.cli.main` and checks the exact line on stderr, exit status 2, and that
nothing under `build/` changed. Expected lines are written from the data, not
copied from output: the row is the spreadsheet row (header = row 1) of the
edited line, the column is the edited cell's, and the reason says what a
person must fix.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

BRIEF = "imumi-factsheet"
NAT = "data/inm_returns_by_nationality.csv"
SEX = "data/inm_returns_by_sex.csv"
TOTALS = "data/inm_returns_published_totals.csv"
FIGURES = "data/imumi_figures.csv"
_REPO = Path(__file__).resolve().parents[2]
_FIGURE_LINES = (_REPO / FIGURES).read_text(encoding="utf-8").splitlines()
FIGURE_ROWS = len(_FIGURE_LINES) - 1  # data rows: an appended row is spreadsheet row FIGURE_ROWS + 2
MPP_ROW = next(i for i, line in enumerate(_FIGURE_LINES, 1) if line.startswith("mpp_first_run,"))
BUS_ROW = next(i for i, line in enumerate(_FIGURE_LINES, 1) if line.startswith("bus_trips_north_south_2023,"))


def _known_briefs() -> str:
    """The catalog's own order, as the error lists it."""
    from briefs.project import catalog

    return ", ".join(b.name for b in catalog.discover(_REPO))


KNOWN = _known_briefs()
DOCUMENTS = "data/documents.csv"
PACKAGE = "data/datapackage.json"
NAT_COLUMNS = "period_start, period_end, nationality, people"
NATIONALITIES = "Honduras, Guatemala, El Salvador, Venezuela, Cuba, Nicaragua, Haiti, Other"
HONDURAS_JUNE = b"2023-06-01,2023-06-30,Honduras,549"  # row 3 of the nationality table
PAYLOAD = "\"; import os; os.system('touch PWNED') #"

Edit = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    id: str
    expected: str | Callable[[Path], str]  # the line after "error: "; a function of the project root if it needs one
    edit: Edit | None = None
    argv: tuple[str, ...] = ("run", BRIEF)


def sub(rel: str, old: bytes, new: bytes) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        data = path.read_bytes()
        assert old in data, (rel, old)
        path.write_bytes(data.replace(old, new, 1))

    return edit


def put(rel: str, make: Callable[[bytes], bytes]) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        path.write_bytes(make(path.read_bytes()))

    return edit


def write(rel: str, data: bytes) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).write_bytes(data)

    return edit


def resource(which: str, **changes) -> Edit:
    """Change keys of one resource in the data package (None deletes the key)."""

    def edit(root: Path) -> None:
        path = root / PACKAGE
        descriptor = json.loads(path.read_text())
        res = next(r for r in descriptor["resources"] if r["name"] == which)
        for key, value in changes.items():
            if value is None:
                res.pop(key, None)
            else:
                res[key] = value
        path.write_text(json.dumps(descriptor, indent=2))

    return edit


def sparse(rel: str, size: int) -> Edit:
    """A file of `size` bytes written in no time and stored in no space: a hole."""

    def edit(root: Path) -> None:
        with open(root / rel, "wb") as handle:
            handle.truncate(size)

    return edit


def _last_resource(root: Path) -> int:
    return len(json.loads((root / PACKAGE).read_text())["resources"]) - 1


def package(change: Callable[[dict], None]) -> Edit:
    """Change the data package descriptor as a whole."""

    def edit(root: Path) -> None:
        path = root / PACKAGE
        descriptor = json.loads(path.read_text())
        change(descriptor)
        path.write_text(json.dumps(descriptor, indent=2))

    return edit


def field(resource_name: str, field_name: str, **changes) -> Edit:
    """Change keys of one field of an inline schema (constraints merged)."""

    def change(descriptor: dict) -> None:
        res = next(r for r in descriptor["resources"] if r["name"] == resource_name)
        f = next(f for f in res["schema"]["fields"] if f["name"] == field_name)
        for key, value in changes.items():
            if key == "constraints":
                f.setdefault("constraints", {}).update(value)
            else:
                f[key] = value

    return package(change)


def fifo(rel: str) -> Edit:
    def edit(root: Path) -> None:
        os.mkfifo(root / rel)

    return edit


def _drop_last_column(data: bytes) -> bytes:
    return b"\n".join(b",".join(line.split(b",")[:-1]) for line in data.splitlines()) + b"\n"


def _wrong_checksum(root: Path) -> str:
    from briefs.data.package import sha256

    return f"{NAT}: sha256 is {sha256(root / NAT)}, but the data package declares {'0' * 64}"


CASES = [
    # --- malformed CSV --------------------------------------------------------------------
    Case(
        "ragged-short-row",
        f"{NAT}: row 3: the row has 3 cells but the header has 4 (a missing cell or comma?)",
        sub(NAT, HONDURAS_JUNE, b"2023-06-01,2023-06-30,Honduras"),
    ),
    Case(
        "ragged-long-row",
        f"{NAT}: row 3: the row has 5 cells but the header has 4 (a comma inside a cell that is not quoted?)",
        sub(NAT, HONDURAS_JUNE, HONDURAS_JUNE + b",7"),
    ),
    Case(
        "unquoted-comma-in-text",
        f"{FIGURES}: row 2: the row has 14 cells but the header has 13 (a comma inside a cell that is not quoted?)",
        sub(FIGURES, b"(INM answer to an access-to-information request)", b"(INM, answer to an access-to-information request)"),
    ),
    Case(
        "semicolon-delimiter",
        f"{NAT}: row 1: the columns are separated by semicolons, not commas; "
        f"export the file as comma-separated CSV (expected columns: {NAT_COLUMNS})",
        put(NAT, lambda d: d.replace(b",", b";")),
    ),
    Case(
        "tab-delimiter",
        f"{NAT}: row 1: the columns are separated by tabs, not commas; "
        f"export the file as comma-separated CSV (expected columns: {NAT_COLUMNS})",
        put(NAT, lambda d: d.replace(b",", b"\t")),
    ),
    Case(
        "byte-order-mark",
        f"{NAT}: the file starts with a byte-order mark (BOM), as some spreadsheet exports write; save it as UTF-8 without a BOM",
        put(NAT, lambda d: b"\xef\xbb\xbf" + d),
    ),
    Case(
        "utf-16",
        f"{NAT}: the file is encoded as UTF-16; save it as UTF-8 (without a byte-order mark)",
        put(NAT, lambda d: d.decode("utf-8").encode("utf-16")),
    ),
    Case(
        "latin-1",
        f"{FIGURES}: row 5, column cited_work: byte 0xf1 is not valid UTF-8; "
        "the file looks like Windows-1252 (Latin-1) text: save it as UTF-8",
        put(FIGURES, lambda d: d.decode("utf-8").encode("cp1252")),
    ),
    Case(
        "not-text",
        f"{NAT}: row 3, column nationality: byte 0x81 is not valid UTF-8; the file is not UTF-8 text: save it as UTF-8",
        sub(NAT, b"Honduras,549", b"Hond\x81uras,549"),
    ),
    Case(
        "unclosed-quote",
        f"{NAT}: row 3, column nationality: a quoted cell runs from line 3 to line 57; "
        "a quote is probably not closed (cells may not span lines)",
        sub(NAT, b"Honduras,549", b'"Honduras,549'),
    ),
    Case(
        "stray-quote", f"{NAT}: row 3, column people: '5\"49' is not a valid integer", sub(NAT, b"Honduras,549", b'Honduras,5"49')
    ),
    Case(
        "nul-byte",
        f"{NAT}: row 3, column nationality: 'Hond\\x00uras' is not a known category (allowed: {NATIONALITIES})",
        sub(NAT, b"Honduras,549", b"Hond\x00uras,549"),
    ),
    # --- columns ---------------------------------------------------------------------------
    Case(
        "missing-column",
        f"{NAT}: row 1, column people: the header has no column 'people' (expected columns: {NAT_COLUMNS})",
        put(NAT, _drop_last_column),
    ),
    Case(
        "extra-column",
        f"{NAT}: row 1, column notes: the header has an unexpected column 'notes' (expected columns: {NAT_COLUMNS})",
        sub(NAT, b"nationality,people", b"nationality,people,notes"),
    ),
    Case(
        "renamed-column",
        f"{NAT}: row 1, column nationality: the header has 'country' where the schema expects 'nationality' "
        f"(expected columns: {NAT_COLUMNS})",
        sub(NAT, b"nationality,people", b"country,people"),
    ),
    Case(
        "swapped-columns",
        f"{NAT}: row 1, column period_start: the header has 'period_end' where the schema expects 'period_start' "
        f"(expected columns: {NAT_COLUMNS})",
        sub(NAT, b"period_start,period_end", b"period_end,period_start"),
    ),
    Case(
        "capitalised-column",
        f"{NAT}: row 1, column nationality: the header has 'Nationality' where the schema expects 'nationality' "
        f"(expected columns: {NAT_COLUMNS})",
        sub(NAT, b"nationality,people", b"Nationality,people"),
    ),
    # --- wrong types -----------------------------------------------------------------------
    Case(
        "count-is-a-word",
        f"{NAT}: row 3, column people: 'many' is not a valid integer",
        sub(NAT, HONDURAS_JUNE, HONDURAS_JUNE[:-3] + b"many"),
    ),
    Case(
        "count-with-thousands-separator",
        f"{NAT}: row 3, column people: '1,549' is not a valid integer",
        sub(NAT, HONDURAS_JUNE, HONDURAS_JUNE[:-3] + b'"1,549"'),
    ),
    Case(
        "date-in-us-format",
        f"{NAT}: row 3, column period_start: '06/01/2023' is not a valid date (YYYY-MM-DD)",
        sub(NAT, HONDURAS_JUNE, b"06/01/2023,2023-06-30,Honduras,549"),
    ),
    Case(
        "impossible-date",
        f"{NAT}: row 3, column period_end: '2023-06-31' is not a valid date (YYYY-MM-DD)",
        sub(NAT, HONDURAS_JUNE, b"2023-06-01,2023-06-31,Honduras,549"),
    ),
    Case(
        "figure-value-is-text",
        f"{FIGURES}: row 5, column value: 'about 21000' is not a valid number",
        sub(
            FIGURES,
            b"Title 8 according to a sworn DHS declaration,21000,",
            b"Title 8 according to a sworn DHS declaration,about 21000,",
        ),
    ),
    Case(
        "figure-value-not-finite",
        f"{FIGURES}: row 5, column value: 'NaN' is not a finite number",
        sub(
            FIGURES, b"Title 8 according to a sworn DHS declaration,21000,", b"Title 8 according to a sworn DHS declaration,NaN,"
        ),
    ),
    Case(
        "figure-in-words-given-a-number",
        f"{FIGURES}: row {MPP_ROW}, column value: '1' is a number, but precision in_words says the document gives this "
        "quantity only in words (leave value empty and quote the words in printed)",
        sub(FIGURES, b",,run,in_words,2019-01-01", b",1,run,in_words,2019-01-01"),
    ),
    Case(
        "note-beyond-64-bits",
        f"{FIGURES}: row 5, column note: '99999999999999999999' is above the maximum 9223372036854775807",
        sub(FIGURES, b"note,24,", b"note,99999999999999999999,"),
    ),
    # --- counts ----------------------------------------------------------------------------
    Case(
        "negative-count",
        f"{NAT}: row 3, column people: '-549' is below the minimum 0",
        sub(NAT, b"Honduras,549", b"Honduras,-549"),
    ),
    Case(
        "fractional-count",
        f"{NAT}: row 3, column people: '549.5' is not a valid integer",
        sub(NAT, b"Honduras,549", b"Honduras,549.5"),
    ),
    Case(
        "blank-count", f"{NAT}: row 3, column people: is blank but a value is required", sub(NAT, b"Honduras,549", b"Honduras,")
    ),
    Case(
        "absurd-count",
        f"{NAT}: row 3, column people: '5490000' is above the maximum 1000000",
        sub(NAT, b"Honduras,549", b"Honduras,5490000"),
    ),
    Case(
        "absurd-total",
        f"{TOTALS}: row 17, column people: '195610000' is above the maximum 1000000",
        sub(TOTALS, b"grand,2023-05-11,2023-11-24,,19561", b"grand,2023-05-11,2023-11-24,,195610000"),
    ),
    # --- periods ---------------------------------------------------------------------------
    Case(
        "reversed-period",
        f"{NAT}: row 3, column period_end: 2023-06-01 is before period_start 2023-06-30",
        sub(NAT, HONDURAS_JUNE, b"2023-06-30,2023-06-01,Honduras,549"),
    ),
    Case(
        "overlapping-periods",
        f"{SEX}: row 3, column period_start: 2023-05-25 to 2023-06-30 overlaps 2023-05-11 to 2023-05-31 "
        "in row 2 (same sex 'Men')",
        sub(SEX, b"2023-06-01,2023-06-30,Men", b"2023-05-25,2023-06-30,Men"),
    ),
    Case(
        "blank-period-end",
        f"{NAT}: row 3, column period_end: is blank but a value is required",
        sub(NAT, HONDURAS_JUNE, b"2023-06-01,,Honduras,549"),
    ),
    # --- categories ------------------------------------------------------------------------
    Case(
        "unknown-category",
        f"{NAT}: row 3, column nationality: 'Hondura' is not a known category (allowed: {NATIONALITIES})",
        sub(NAT, b"Honduras,549", b"Hondura,549"),
    ),
    Case(
        "category-with-trailing-space",
        f"{NAT}: row 3, column nationality: 'Honduras ' is not a known category (allowed: {NATIONALITIES})",
        sub(NAT, b"Honduras,549", b"Honduras ,549"),
    ),
    Case(
        "unknown-precision",
        f"{FIGURES}: row 5, column precision: 'roughly' is not a known category "
        "(allowed: exact, approximate, at_least, at_most, unpublished, in_words)",
        sub(FIGURES, b"declaration,21000,people,approximate,", b"declaration,21000,people,roughly,"),
    ),
    Case(
        "document-id-pattern",
        f"{DOCUMENTS}: row 3, column id: '1' does not match the pattern ^[0-9]{{3}}$",
        sub(DOCUMENTS, b"\n001,IMUMI", b"\n1,IMUMI"),
    ),
    # --- duplicates and empty files ---------------------------------------------------------
    Case(
        "duplicate-key",
        f"{NAT}: row 58: duplicate row: the same period_start, nationality as row 3",
        put(NAT, lambda d: d + b"2023-06-01,2023-06-30,Honduras,600\n"),
    ),
    Case(
        "duplicate-row-without-key",
        f"{TOTALS}: row 22: duplicate row: every cell the same as row 4",
        put(TOTALS, lambda d: d + b"nationality,category,2023-05-11,2023-11-24,El Salvador,70\n"),
    ),
    Case(
        "duplicate-figure-id",
        f"{FIGURES}: row {FIGURE_ROWS + 2}, column id: 'bus_trips_north_south_2023' repeats row {BUS_ROW} "
        "(values in this column must be unique)",
        put(
            FIGURES,
            lambda d: d + b"bus_trips_north_south_2023,Again,1,trips,exact,2023-01-01,2023-12-31,published,001,text,36,x,\n",
        ),
    ),
    Case("empty-file", f"{NAT}: the file is empty (expected a header row: {NAT_COLUMNS})", put(NAT, lambda d: b"")),
    Case(
        "blank-lines-only", f"{NAT}: the file is empty (expected a header row: {NAT_COLUMNS})", put(NAT, lambda d: b"\n \r\n\n")
    ),
    Case("blank-row", f"{NAT}: row 4: the row is blank", sub(NAT, HONDURAS_JUNE + b"\n", HONDURAS_JUNE + b"\n,,,\n")),
    Case(
        "several-hundred-mb",
        f"{NAT}: the file is 300 MiB, over the 64 MiB limit for a data resource, so it was not read (is it the right file?)",
        sparse(NAT, 300 * 2**20),
    ),
    # --- the data package ------------------------------------------------------------------
    Case(
        "missing-file",
        f"{PACKAGE}: resource 'inm_returns_by_sex' points at missing file inm_returns_by_sex_2023.csv",
        resource("inm_returns_by_sex", path="inm_returns_by_sex_2023.csv"),
    ),
    Case("wrong-checksum", _wrong_checksum, resource("inm_returns_by_nationality", hash="sha256:" + "0" * 64)),
    Case(
        "path-outside-package",
        f"{PACKAGE}: resource 'documents' points at ../../etc/passwd, outside the data package folder",
        resource("documents", path="../../etc/passwd"),
    ),
    Case(
        "remote-path",
        f"{PACKAGE}: resource 'documents' points at https://example.org/documents.csv; "
        "resources must be local files (builds never use the network)",
        resource("documents", path="https://example.org/documents.csv"),
    ),
    Case(
        "no-schema", f"{PACKAGE}: resource 'inm_returns_by_sex' has no table schema", resource("inm_returns_by_sex", schema=None)
    ),
    Case(
        "package-not-json",
        f"{PACKAGE}: not a readable data package: Expecting property name enclosed in double quotes: line 2 column 20 (char 21)",
        sub(PACKAGE, b'"name": "briefs",', b'"name": "briefs",,'),
    ),
    # --- malformed descriptors: one line naming the file, resource and key, never a TypeError ---
    Case(
        "resource-not-an-object",
        f"{PACKAGE}: resources[0] must be an object with a name, path and schema, got 1",
        write(PACKAGE, b'{"resources": [1]}'),
    ),
    Case("resource-without-name", f"{PACKAGE}: resources[1] has no name", resource("inm_returns_by_nationality", name=None)),
    Case(
        "resource-name-with-newline",
        f"{PACKAGE}: resources[0] name 'documents\\n' is not allowed: use lower-case letters, "
        "digits, '.', '-' and '_', starting with a letter or digit",
        resource("documents", name="documents\n"),
    ),
    Case(
        "hash-is-a-number",
        f"{PACKAGE}: resource 'inm_returns_by_nationality' hash must be text such as 'sha256:<64 hex digits>', got 123",
        resource("inm_returns_by_nationality", hash=123),
    ),
    Case(
        "fields-as-one-string",
        f"{PACKAGE}: resource 'documents' schema fields must be a list of fields, got 'id,title'",
        resource("documents", schema={"fields": "id,title"}),
    ),
    Case(
        "maximum-is-a-word",
        f"{PACKAGE}: resource 'inm_returns_by_nationality' field 'people': constraint maximum must be a number, got 'lots'",
        field("inm_returns_by_nationality", "people", constraints={"maximum": "lots"}),
    ),
    Case(
        "resource-listed-twice",
        # the copy is appended: its index is the last one of the edited descriptor
        lambda root: f"{PACKAGE}: resource 'documents' is listed twice (resources[0] and resources[{_last_resource(root)}])",
        package(lambda d: d["resources"].append(dict(d["resources"][0]))),
    ),
    # --- data that would reach the brief as a crash in a cell ---------------------------------
    Case("header-only", f"{NAT}: the file has a header but no rows of data", put(NAT, lambda d: d.split(b"\n", 1)[0] + b"\n")),
    Case(
        "start-after-end",
        "parameters 'start' and 'end': start 2023-09-30 is after end 2023-08-01; the window is empty",
        argv=("run", BRIEF, "-p", "start", "2023-09-30", "-p", "end", "2023-08-01"),
    ),
    Case(
        "window-without-data",
        "parameters 'start' and 'end': no period of inm_returns_by_nationality lies wholly between "
        "2030-01-01 and 2030-12-31 (its periods run from 2023-05-11 to 2023-11-24)",
        argv=("run", BRIEF, "-p", "start", "2030-01-01", "-p", "end", "2030-12-31"),
    ),
    Case(
        "negative-count-of-people",
        f"{FIGURES}: row 5, column value: -21000 people is below zero (a count of people cannot be negative)",
        sub(FIGURES, b"declaration,21000,people,", b"declaration,-21000,people,"),
    ),
    # --- paths a person types ---------------------------------------------------------------------
    Case(
        "package-is-a-device",
        "parameter 'data_package': '/dev/zero' is not a data package (a character device, not a regular file)",
        argv=("run", BRIEF, "-p", "data_package", "/dev/zero"),
    ),
    Case(
        "package-is-a-fifo",
        "parameter 'data_package': 'pipe.json' is not a data package (a named pipe (FIFO), not a regular file)",
        fifo("pipe.json"),
        argv=("run", BRIEF, "-p", "data_package", "pipe.json"),
    ),
    Case(
        "package-is-the-filesystem",
        "parameter 'data_package': '/' is not a data package (the folder has no datapackage.json)",
        argv=("run", BRIEF, "-p", "data_package", "/"),
    ),
    Case(
        "validate-a-fifo",
        "pipe.json: not a data package (a named pipe (FIFO), not a regular file)",
        fifo("pipe.json"),
        argv=("validate", "--package", "pipe.json"),
    ),
    Case(
        "output-is-a-folder",
        "--output 'notebooks': is a folder; name the notebook to write, such as 'notebooks/imumi-factsheet.ipynb'",
        argv=("run", BRIEF, "-o", "notebooks"),
    ),
    Case(
        "output-in-a-folder-that-cannot-be-made",
        "--output '/dev/null/runs/out.ipynb': '/dev/null' is not a folder",
        argv=("run", BRIEF, "-o", "/dev/null/runs/out.ipynb"),
    ),
    Case(
        "output-under-a-file",
        "--output 'README.md/out.ipynb': 'README.md' is not a folder",
        argv=("run", BRIEF, "-o", "README.md/out.ipynb"),
    ),
    # --- names matched whole ---------------------------------------------------------------------
    Case(
        "edition-name-with-newline",
        "edition name '4.0\\n' is not allowed: use letters, digits, dots, hyphens and "
        "underscores, starting with a letter or digit (e.g. 2026.11 or 1.2.0)",
        argv=("release", "4.0\n", "--no-pdf"),
    ),
    Case(
        "brief-name-with-newline",
        "'evil\\n' is not a valid brief name: use lower-case letters, digits and hyphens, "
        "starting with a letter or digit (for example mpi-brief)",
        argv=("new", "evil\n", "--document", "001"),
    ),
    Case(
        "release-date-with-newline",
        "release date '2026-11-01\\n' is not a date written YYYY-MM-DD",
        argv=("release", "4.0", "--date", "2026-11-01\n", "--no-pdf"),
    ),
    # --- the briefs' sources ----------------------------------------------------------------
    Case(
        "brief-front-matter-broken",
        "notebooks/other.md: cannot read this notebook (ParserError: while parsing a flow sequence)",
        write("notebooks/other.md", b"---\nbriefs: [title, order\n---\n# Other\n"),
    ),
    Case(
        "brief-order-not-a-number",
        "notebooks/other.md: briefs.order must be a whole number, got 'second'",
        write("notebooks/other.md", b"---\nbriefs:\n  title: Other\n  order: second\n---\n# Other\n"),
    ),
    # --- the command line ------------------------------------------------------------------
    Case("unknown-brief", f"unknown brief 'imumi'; known briefs: {KNOWN}", argv=("run", "imumi")),
    Case(
        "brief-name-with-markup", f"unknown brief '[/red]imumi[bold]'; known briefs: {KNOWN}", argv=("run", "[/red]imumi[bold]")
    ),
    Case(
        "unknown-parameter",
        f"brief '{BRIEF}' has no parameter 'colour'; its parameters are: data_package, end, start, strict",
        argv=("run", BRIEF, "-p", "colour", "red"),
    ),
    Case(
        "parameter-name-with-markup",
        f"brief '{BRIEF}' has no parameter '[/x]'; its parameters are: data_package, end, start, strict",
        argv=("run", BRIEF, "-p", "[/x]", "1"),
    ),
    Case(
        "boolean-parameter-wrong-type",
        "parameter 'strict': 'maybe' is not true or false",
        argv=("run", BRIEF, "-p", "strict", "maybe"),
    ),
    Case(
        "date-parameter-wrong-type",
        "parameter 'start': 'last May' is not a date (YYYY-MM-DD)",
        argv=("run", BRIEF, "-p", "start", "last May"),
    ),
    Case(
        "date-parameter-impossible",
        "parameter 'end': '2023-11-31' is not a date (YYYY-MM-DD)",
        argv=("run", BRIEF, "-p", "end", "2023-11-31"),
    ),
    Case(
        "parameter-with-quotes",
        "parameter 'start': '2023-05-11\" or \"1' is not a date (YYYY-MM-DD)",
        argv=("run", BRIEF, "-p", "start", '2023-05-11" or "1'),
    ),
    Case(
        "parameter-with-newline",
        "parameter 'data_package': control characters (such as newlines) are not allowed",
        argv=("run", BRIEF, "-p", "data_package", "data\nimport os"),
    ),
    Case(
        "code-in-date-parameter",
        f"parameter 'start': {PAYLOAD!r} is not a date (YYYY-MM-DD)",
        argv=("run", BRIEF, "-p", "start", PAYLOAD),
    ),
    Case(
        "code-in-path-parameter",
        f"parameter 'data_package': {PAYLOAD!r} is not a data package (no such file or folder)",
        argv=("run", BRIEF, "-p", "data_package", PAYLOAD),
    ),
]
