"""A document's numeric arguments as checked code.

A claim pairs a statement (in the project's words) with a value computed from
data, the value the source printed where it printed one, and a rule. Its
status is a pure function of value, published value and rule, so re-running a
brief on new data re-decides every argument. Making a claim glues its value
for the prose and records it in a ledger that the executed notebook carries;
reviewers and the outputs lock read that ledger, not the page.

A claim also says what it rests on (its basis: an official series, another
document, the document's own numbers, or restated as printed) and the ledger
checks that against what the value was computed from (`lineage`): a check that
can only restate the figure it is compared with is refused unless it is
declared restated, with a reason. A contradicted claim says whether the figure
is off (a number) or the conclusion does not follow (an argument), and what the
data show instead. Which of several readings of the data matches a document's
figure is a finding, kept apart from the claims.
"""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from briefs.data.package import Figure
from briefs.page import context, lineage
from briefs.errors import ClaimContradicted, UsageError
from briefs.media import CLAIMS_MIME

HOLDS = "holds"
CONTRADICTED = "contradicted"


@dataclass(frozen=True)
class Rule:
    """How a computed value must relate to its reference (the published value unless `target` is set)."""

    kind: str
    target: float | None = None
    tolerance: float = 0.0
    relative: bool = False

    def reference(self, published: float | None) -> float | None:
        return self.target if self.target is not None else published

    def holds(self, value: float, published: float | None) -> bool:
        ref = self.reference(published)
        if ref is None or value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        if self.kind == "equal":
            return abs(value - ref) <= 1e-9 * max(1.0, abs(ref))
        if self.kind == "within":
            allowed = self.tolerance * abs(ref) if self.relative else self.tolerance
            return abs(value - ref) <= allowed + 1e-12
        if self.kind == "rounds_to":
            return abs(value - ref) <= 0.5 * 10 ** (-int(self.tolerance)) + 1e-12
        if self.kind == "above":
            return value > ref
        if self.kind == "below":
            return value < ref
        if self.kind == "at_least":
            return value >= ref
        if self.kind == "at_most":
            return value <= ref
        raise ValueError(f"unknown rule kind {self.kind!r}")

    def describe(self, ref_text: str | None) -> str:
        ref = ref_text if ref_text is not None else "the published value"
        if self.kind == "equal":
            return f"equals {ref}"
        if self.kind == "within":
            tol = f"{self.tolerance:.0%}" if self.relative else f"{self.tolerance:,g}"
            return f"within {tol} of {ref}"
        if self.kind == "rounds_to":
            return f"rounds to {ref}"
        words = {"above": "more than", "below": "less than", "at_least": "at least", "at_most": "at most"}
        return f"{words[self.kind]} {ref}"


def equal() -> Rule:
    return Rule("equal")


def within(tolerance: float, relative: bool = False) -> Rule:
    return Rule("within", tolerance=tolerance, relative=relative)


def rounds_to(digits: int = 0) -> Rule:
    """The computed value rounds to the printed one (a printed '33%' from 33.2%)."""
    return Rule("rounds_to", tolerance=digits)


def above(target: float | None = None) -> Rule:
    return Rule("above", target=target)


def below(target: float | None = None) -> Rule:
    return Rule("below", target=target)


def at_least(target: float | None = None) -> Rule:
    return Rule("at_least", target=target)


def at_most(target: float | None = None) -> Rule:
    return Rule("at_most", target=target)


def status(value: float, published: float | None, rule: Rule) -> str:
    """HOLDS or CONTRADICTED: depends on nothing but its arguments."""
    return HOLDS if rule.holds(value, published) else CONTRADICTED


# --- what a claim rests on ---------------------------------------------------------------------

OFFICIAL_SERIES, OTHER_DOCUMENT, OWN_NUMBERS, RESTATED = "official_series", "other_document", "own_numbers", "restated"
BASES = {
    OFFICIAL_SERIES: "Checked against an official series",
    OTHER_DOCUMENT: "Checked against another document",
    OWN_NUMBERS: "Checked against the document's own numbers",
    RESTATED: "Restated as printed: nothing here can test it",
}
BASIS_SHORT = {
    OFFICIAL_SERIES: "on an official series",
    OTHER_DOCUMENT: "on another document",
    OWN_NUMBERS: "on the document's own numbers",
    RESTATED: "restated as printed",
}

NUMBER, ARGUMENT = "number", "argument"
KINDS = {NUMBER: "a number: the figure is off", ARGUMENT: "an argument: the conclusion does not follow"}


def _basis_problem(
    id: str, basis: str, reason: str | None, value: lineage.Quantity, published: lineage.Quantity | None
) -> str | None:
    """Why the declared basis does not fit what the value and its reference were computed from, or None."""
    if basis not in BASES:
        return f"claim {id!r}: basis must be one of {', '.join(BASES)}, got {basis!r}"
    if basis == RESTATED:
        return None if reason else f"claim {id!r}: a restated claim needs a reason (why nothing here can test it)"
    compared = lineage.evidence(published) if published is not None else set()
    own = lineage.evidence(value)
    figures = {k for k in own if k[0] == lineage.FIGURE}
    if own <= compared:
        what = "the figure it is compared with" if compared else "constants and parameters"
        return (
            f"claim {id!r} is a tautology: its value is computed only from {what}, so no data can contradict it; "
            "declare it basis='restated' with a reason, or compute it from independent data"
        )
    if not compared and own == figures and len(figures) == 1:
        return (
            f"claim {id!r} is a tautology: it sets one printed figure ({next(iter(figures))[1]}) against a constant; "
            "declare it basis='restated' with a reason"
        )
    kinds = lineage.kinds(value) | (lineage.kinds(published) if published is not None else set())
    docs = lineage.documents(value) | (lineage.documents(published) if published is not None else set())
    if basis == OFFICIAL_SERIES:
        return (
            None
            if lineage.SERIES in kinds
            else (f"claim {id!r} is declared against an official series, but nothing it was computed from is a series")
        )
    if lineage.SERIES in kinds:
        return f"claim {id!r} rests on an official series: declare basis='official_series'"
    if basis == OTHER_DOCUMENT:
        return (
            None
            if len(docs) >= 2
            else (
                f"claim {id!r} is declared against another document, but its numbers come from "
                f"{'one document' if docs else 'no document'} ({', '.join(sorted(docs)) or 'none'})"
            )
        )
    if len(docs) >= 2:
        return f"claim {id!r} draws on documents {', '.join(sorted(docs))}: declare basis='other_document'"
    return None


# --- how values read ---------------------------------------------------------------------------

SILENT_UNITS = {"", "share", "%", "percent"}


def with_unit(text: str, unit: str | None) -> str:
    """'19,561' and 'people' -> '19,561 people'; a share or percentage already says what it is."""
    if not unit or unit in SILENT_UNITS or text.endswith("%"):
        return text + ("%" if unit in ("%", "percent") and not text.endswith("%") else "")
    return f"{text} {lineage.singular(unit) if text.lstrip('+-−') == '1' else unit}"


def _relation(value: float, ref: float) -> str:
    if value > ref:
        return "above"
    if value < ref:
        return "below"
    return "equal to"


def _gap_text(gap: float, ref: float, fmt: str, unit: str) -> str:
    """The size of a gap: in points for shares and percentages, else in the value's unit with its share of the reference."""
    if fmt.endswith("%}"):
        return f"{abs(gap) * 100:.1f} percentage points"
    if unit in ("%", "percent"):
        return f"{fmt.format(abs(gap))} percentage points"
    rel = f" ({abs(gap) / abs(ref):.1%})" if ref else ""
    return f"{with_unit(fmt.format(abs(gap)), unit)}{rel}"


def instead_sentence(value: float, ref: float | None, rule: Rule, kind: str, fmt: str, unit: str, threshold: bool) -> str:
    """What the data show, for a contradicted claim: the computed value, where it stands, and by how much.

    `threshold` says the reference is a level the claim names rather than a figure the document prints.
    """
    val = with_unit(fmt.format(value), unit)
    if ref is None or value is None or (isinstance(value, float) and math.isnan(value)):
        return f"The data give no value to test: computed {val}."
    ref_text = with_unit(fmt.format(ref), unit)
    where = f"the threshold of {ref_text}" if threshold else f"the published {ref_text}"
    if kind == NUMBER:
        return f"The data give {val}, {_gap_text(value - ref, ref, fmt, unit)} {_relation(value, ref)} {where}."
    return f"The data give {val}, {_relation(value, ref)} {where}: the claim needs a value {rule.describe(ref_text)}."


@dataclass
class Claim:
    id: str
    statement: str
    value: float
    text: str
    rule: str
    status: str
    published: float | None = None
    published_text: str | None = None
    source: str | None = None
    basis: str | None = None
    reason: str | None = None
    kind: str = NUMBER
    unit: str = ""
    published_unit: str = ""
    period: str | None = None
    instead: str | None = None

    @property
    def holds(self) -> bool:
        return self.status == HOLDS

    @property
    def value_display(self) -> str:
        return with_unit(self.text, self.unit)

    @property
    def published_display(self) -> str | None:
        return None if self.published_text is None else with_unit(self.published_text, self.published_unit)


@dataclass
class Finding:
    """Which of several readings of the data matches a document's figure: a result about the document, not a claim of it."""

    id: str
    question: str
    reference: dict
    rule: str
    candidates: list[dict]
    answer: str
    matches: list[str]


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"claim values must be numbers, got {value!r}") from None


def _as_quantity(published: Any) -> lineage.Quantity | None:
    if isinstance(published, lineage.Quantity):
        return published
    if isinstance(published, Figure) and (published.published or published.in_words):
        return lineage.figure(published)  # refuses a figure stated only in words
    return None


@dataclass
class Ledger:
    """Every claim, finding and glued value of one brief, in the order they were made, with how each was computed.

    The brief's name comes from the run (`context.brief_name`); pass it only to
    use a ledger outside a brief, as tests do. With `derivations=True` every
    glued number must be a `lineage.Quantity` and every claim must declare its
    basis, so the page can say what each number was computed from.
    """

    brief: str = field(default_factory=context.brief_name)
    strict: bool = False
    derivations: bool = False
    claims: list[Claim] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    lineage: dict[str, dict] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    # --- glue ------------------------------------------------------------------------------
    def _put(self, key: str, text: str, record: dict, glued: Any = None) -> None:
        from myst_nb import glue as nb_glue

        if key in self.values:
            raise ValueError(f"{self.brief}: glue key {key!r} used twice")
        self.values[key] = text
        self.lineage[key] = record
        nb_glue(key, text if glued is None else glued, display=False)

    def glue(
        self,
        key: str,
        value: Any,
        fmt: str = "{:,.0f}",
        *,
        parameter: str | None = None,
        figure: Figure | None = None,
        text: str | None = None,
    ) -> None:
        """Glue a value for the prose (`{glue:text}` with the key) and record how it was computed.

        A Quantity records its derivation; a string records that it is text (or the
        parameter or figure it was written from); a plain number is refused once the
        ledger keeps derivations. `text` shows a Quantity in words of its own (a gap
        with its share, "+6,281 (+42.7%)") instead of `fmt`.
        """
        if isinstance(value, lineage.Quantity):
            self._put(key, fmt.format(value.value) if text is None else text, lineage.derivation(value))
            return
        if isinstance(value, str):
            source = lineage.figure_source(figure) if figure is not None else None
            self._put(key, value, lineage.text_record(parameter, source))
            return
        if self.derivations:
            raise UsageError(
                f"{self.brief}: glued value {key!r} is a plain number ({value!r}); glue a lineage.Quantity so the page "
                "can say what it was computed from"
            )
        self._put(key, fmt.format(value), {"kind": "number"})

    def markdown(self, key: str, text: str) -> None:
        """Glue a Markdown passage (shown with `{glue:md}`) and record it as text."""
        from IPython.display import Markdown

        self._put(key, text, lineage.text_record(), glued=Markdown(text))

    def note(self, key: str, fig: Figure) -> None:
        """Glue the number of the note a figure comes from, as text recorded against the figure."""
        if not fig.note:
            raise UsageError(f"figure {fig.id!r} has no note number to glue")
        self.glue(key, str(fig.note), figure=fig)

    def words(self, key: str, fig: Figure) -> None:
        """Glue the words of a figure the document states only in words, as text recorded against the figure."""
        if not fig.in_words or not fig.printed:
            raise UsageError(f"figure {fig.id!r} is not stated in words (precision {fig.precision}); glue its value instead")
        self.glue(key, fig.printed, figure=fig)

    def date(
        self, key: str, day: Any, fmt: str = "%-d %B %Y", *, parameter: str | None = None, figure: Figure | None = None
    ) -> None:
        """Glue a date as text, recorded against the parameter or figure it comes from."""
        import pandas as pd

        self.glue(key, pd.Timestamp(day).strftime(fmt), parameter=parameter, figure=figure)

    # --- claims ----------------------------------------------------------------------------
    def claim(
        self,
        id: str,
        statement: str,
        value: Any,
        rule: Rule,
        published: Figure | lineage.Quantity | float | int | None = None,
        fmt: str = "{:,.0f}",
        source: str | None = None,
        *,
        basis: str | None = None,
        reason: str | None = None,
        kind: str = NUMBER,
        unit: str | None = None,
        period: str | None = None,
        instead: str | None = None,
    ) -> None:
        """Check one argument; glue `id` (value) and `id_published`; flag or fail if contradicted.

        `basis` says what the check rests on (BASES) and is checked against the
        leaves of `value` and `published`: a claim that can only restate the figure
        it is compared with is refused unless declared RESTATED with a `reason`.
        `kind` says what a contradiction means: NUMBER (the figure is off) or
        ARGUMENT (the conclusion does not follow). `instead` overrides the sentence
        a contradicted claim shows (what the data show instead).
        """
        if kind not in KINDS:
            raise UsageError(f"claim {id!r}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
        quantity = value if isinstance(value, lineage.Quantity) else None
        pub_q = _as_quantity(published)
        if pub_q is None and published is not None and not isinstance(published, Figure):
            pub_q = lineage.constant(
                _number(published), "the value the statement names", unit=quantity.unit if quantity is not None else ""
            )
        if self.derivations and quantity is None:
            raise UsageError(f"{self.brief}: claim {id!r} has a plain number as its value; pass a lineage.Quantity")
        if basis is None and self.derivations:
            raise UsageError(f"{self.brief}: claim {id!r} must declare its basis ({', '.join(BASES)})")
        if basis is not None:
            if quantity is None:
                if basis not in BASES:
                    raise UsageError(f"claim {id!r}: basis must be one of {', '.join(BASES)}, got {basis!r}")
            else:
                problem = _basis_problem(id, basis, reason, quantity, pub_q)
                if problem:
                    raise UsageError(f"{self.brief}: {problem}")
        number = _number(quantity.value if quantity is not None else value)
        pub_value: float | None
        if isinstance(published, Figure):
            pub_value, source = published.value, source or published.citation()
        elif isinstance(published, lineage.Quantity):
            pub_value = _number(published.value)
            if source is None:
                cites = [
                    leaf.source["citation"] for leaf in lineage.leaves(published) if leaf.source.get("kind") == lineage.FIGURE
                ]
                source = "; ".join(dict.fromkeys(cites)) or None
        else:
            pub_value = None if published is None else _number(published)
        ref = rule.reference(pub_value)
        ref_text = None if ref is None else fmt.format(ref)
        if ref is None:
            raise ValueError(f"claim {id!r}: rule {rule.kind!r} needs a published value or a target")
        state = status(number, pub_value, rule)
        text = fmt.format(number)
        the_unit = unit if unit is not None else (quantity.unit if quantity is not None else "")
        pub_unit = pub_q.unit if pub_q is not None else the_unit
        claim = Claim(
            id=id,
            statement=statement,
            value=round(number, 10),
            text=text,
            rule=rule.describe(ref_text),
            status=state,
            published=pub_value,
            published_text=None if pub_value is None else fmt.format(pub_value),
            source=source,
            basis=basis,
            reason=reason,
            kind=kind,
            unit=the_unit,
            published_unit=pub_unit,
            period=period if period is not None else (quantity.period if quantity is not None else None),
        )
        if state != HOLDS:
            threshold = pub_value is None or rule.target is not None or (pub_q is not None and not lineage.evidence(pub_q))
            claim.instead = instead or instead_sentence(number, ref, rule, kind, fmt, the_unit, threshold)
        if any(c.id == id for c in self.claims):
            raise ValueError(f"{self.brief}: claim id {id!r} used twice")
        self.claims.append(claim)
        shown = text if claim.holds else f"{text} [contradicted]"
        self._put(id, shown, lineage.derivation(quantity, claim=id) if quantity is not None else {"kind": "number", "claim": id})
        if claim.published_text is not None:
            rec = lineage.derivation(pub_q, claim=id) if pub_q is not None else {"kind": "number", "claim": id}
            self._put(f"{id}_published", claim.published_text, rec)
        if claim.instead is not None:
            self._put(f"{id}_instead", claim.instead, lineage.text_record() | {"claim": id})
        if not claim.holds and self.strict:
            raise ClaimContradicted(
                f"claim {id!r} is contradicted: computed {text}, but the rule says it {claim.rule} ({statement})"
            )

    # --- findings --------------------------------------------------------------------------
    def finding(
        self,
        id: str,
        question: str,
        reference: Figure | lineage.Quantity,
        candidates: dict[str, lineage.Quantity],
        rule: Rule,
        fmt: str = "{:,.0f}",
    ) -> Finding:
        """Which reading of the data matches the document's figure (`reference`), under `rule`.

        An alternative reading the project tries (Border Patrol alone against all
        encounters; nine months against a year) is a result about the document,
        not a claim it makes: it is recorded here, shown in its own table, and
        counted apart from the claims. Each candidate is glued as `ID_KEY`, and
        `ID` gets the answer (the readings that match, or 'none').
        """
        ref_q = _as_quantity(reference)
        if ref_q is None:
            raise UsageError(f"finding {id!r}: the reference must be a printed figure or a quantity")
        if not candidates:
            raise UsageError(f"finding {id!r} needs at least one reading to test")
        if any(f.id == id for f in self.findings):
            raise ValueError(f"{self.brief}: finding id {id!r} used twice")
        ref = ref_q.value
        rows, matches = [], []
        for key, q in candidates.items():
            ok = rule.holds(q.value, ref)
            gap = q.value - ref
            rows.append(
                {
                    "key": key,
                    "label": q.label,
                    "value": lineage.json_value(q.value),
                    "text": fmt.format(q.value),
                    "unit": q.unit,
                    "period": q.period,
                    "matches": ok,
                    "gap": f"{'+' if gap >= 0 else '−'}{fmt.format(abs(gap))} ({gap / ref:+.1%})" if ref else None,
                }
            )
            if ok:
                matches.append(q.label)
            self.glue(f"{id}_{key}", q, fmt)
        closest = min(candidates.values(), key=lambda q: abs(q.value - ref))
        answer = " and ".join(matches) if matches else f"none (closest: {closest.label})"
        cites = [leaf.source["citation"] for leaf in lineage.leaves(ref_q) if leaf.source.get("kind") == lineage.FIGURE]
        found = Finding(
            id=id,
            question=question,
            reference={
                "label": ref_q.label,
                "value": lineage.json_value(ref),
                "text": fmt.format(ref),
                "unit": ref_q.unit,
                "period": ref_q.period,
                "source": "; ".join(dict.fromkeys(cites)) or None,
            },
            rule=rule.describe("the document's figure"),
            candidates=rows,
            answer=answer,
            matches=matches,
        )
        self.findings.append(found)
        self._put(id, answer, lineage.text_record() | {"finding": id})
        return found

    # --- reading the ledger ----------------------------------------------------------------
    @property
    def contradicted(self) -> list[Claim]:
        return [c for c in self.claims if not c.holds]

    def summary(self) -> dict:
        """Counts for the page and the landing card: claims by status, by kind of contradiction and by basis."""
        by_basis = {}
        for b in [*BASES, None]:
            mine = [c for c in self.claims if c.basis == b]
            if mine:
                by_basis[b or "undeclared"] = {"claims": len(mine), "contradicted": sum(1 for c in mine if not c.holds)}
        bad = self.contradicted
        return {
            "claims": len(self.claims),
            "holds": len(self.claims) - len(bad),
            "contradicted": len(bad),
            "contradicted_numbers": sum(1 for c in bad if c.kind == NUMBER),
            "contradicted_arguments": sum(1 for c in bad if c.kind == ARGUMENT),
            "by_basis": by_basis,
            "findings": len(self.findings),
        }

    def record(self) -> dict:
        claims = []
        for c in self.claims:
            row = asdict(c)
            row["value_display"], row["published_display"] = c.value_display, c.published_display
            claims.append(row)
        return {
            "brief": self.brief,
            "claims": claims,
            "values": dict(self.values),
            "derivations": {k: self.lineage[k] for k in sorted(self.lineage)},
            "derivations_required": self.derivations,  # the book refuses a page whose glued key has none
            "findings": [asdict(f) for f in self.findings],
            "summary": self.summary(),
        }

    def summary_text(self) -> str:
        s = self.summary()
        n = s["claims"]
        if not n:
            head = "No claims are checked on this page."
        elif not s["contradicted"]:
            head = f"All {n} claims hold on the data as given."
        else:
            parts = []
            if s["contradicted_numbers"]:
                parts.append(f"{s['contradicted_numbers']} on a number (the figure is off)")
            if s["contradicted_arguments"]:
                parts.append(f"{s['contradicted_arguments']} on an argument (the conclusion does not follow)")
            head = (
                f"{s['contradicted']} of {n} claims are contradicted by the data, "
                + " and ".join(parts)
                + ": see the flagged rows."
            )
        bases = [f"{v['claims']} {BASIS_SHORT.get(b, 'with no basis declared')}" for b, v in s["by_basis"].items()]
        rest = f" What they rest on: {', '.join(bases)}." if bases and n else ""
        found = f" {s['findings']} findings say which reading of the data matches a document's figure." if s["findings"] else ""
        return head + rest + found

    def _claim_row(self, c: Claim) -> str:
        if c.basis == RESTATED:
            badge = "restated"
        elif c.holds:
            badge = "✔ holds"
        else:
            badge = f"✘ contradicted: {'the number' if c.kind == NUMBER else 'the argument'}"
        from briefs.page.tables import text_html

        pub = html.escape(c.published_display) if c.published_display is not None else "—"
        src = text_html(c.source) if c.source else ""
        period = f'<br><span class="briefs-claim-period">{text_html(c.period)}</span>' if c.period else ""
        extra = ""
        if c.instead:
            extra += f'<br><span class="briefs-claim-instead">What the data show instead: {text_html(c.instead)}</span>'
        if c.reason:
            extra += f'<br><span class="briefs-claim-reason">Why restated: {text_html(c.reason)}</span>'
        # data-label names the column, for the phone layout that stacks a row's cells (see briefs.css).
        return (
            f'<tr class="briefs-claim briefs-claim-{c.status}" id="claim-{html.escape(c.id)}">'
            f'<td data-label="Status"><span class="briefs-badge">{badge}</span></td>'
            f'<td data-label="Claim">{text_html(c.statement)}<br><code>{html.escape(c.id)}</code>{extra}</td>'
            f'<td class="num" data-label="Computed"><span class="briefs-nowrap">{html.escape(c.value_display)}</span>{period}</td>'
            f'<td class="num" data-label="Published">{pub}</td>'
            f'<td data-label="Rule">{text_html(c.rule)}</td><td data-label="Source">{src}</td></tr>'
        )

    def _findings_html(self) -> str:
        from briefs.page.tables import text_html

        if not self.findings:
            return ""
        groups = []
        for f in self.findings:
            rows = []
            ref = f.reference
            head = (
                f'<tr class="briefs-finding" id="finding-{html.escape(f.id)}"><th scope="rowgroup" colspan="4">'
                f"{html.escape(f.question)} The document: {html.escape(with_unit(ref['text'], ref['unit']))}"
                + (f" ({html.escape(ref['source'])})" if ref.get("source") else "")
                + f". Answer: {html.escape(f.answer)}.</th></tr>"
            )
            rows.append(head)
            for r in f.candidates:
                mark = "✔ matches" if r["matches"] else "does not match"
                rows.append(
                    f'<tr><td data-label="Reading of the data">{text_html(r["label"])}</td>'
                    f'<td class="num" data-label="Value">{html.escape(with_unit(r["text"], r["unit"]))}</td>'
                    f'<td class="num" data-label="Gap to the document">{html.escape(r["gap"] or "—")}</td>'
                    f'<td data-label="Match">{mark}</td></tr>'
                )
            groups.append(f"<tbody>{''.join(rows)}</tbody>")
        return (
            '<table class="briefs-findings"><caption>Findings: which count matches the document\'s figure</caption>'
            '<thead><tr><th scope="col">Reading of the data</th><th scope="col">Value</th>'
            '<th scope="col">Gap to the document</th><th scope="col">Match</th></tr></thead>'
            f"{''.join(groups)}</table>"
        )

    def to_html(self) -> str:
        """The claims as a table grouped by basis; on a phone each row is a block of labelled lines (see briefs.css)."""
        groups = []
        for b in [*BASES, None]:
            mine = [c for c in self.claims if c.basis == b]
            if not mine:
                continue
            title = BASES.get(b, "Basis not declared")
            groups.append(
                f'<tbody class="briefs-claims-basis briefs-claims-{b or "undeclared"}">'
                f'<tr class="briefs-claims-group"><th scope="rowgroup" colspan="6">{html.escape(title)} ({len(mine)})</th></tr>'
                + "".join(self._claim_row(c) for c in mine)
                + "</tbody>"
            )
        n_bad = len(self.contradicted)
        cls = "briefs-ledger briefs-wide" + (" briefs-ledger-contradicted" if n_bad else "")
        return (
            f'<div class="{cls}" role="region" aria-label="Claims checked against the data" tabindex="0">'
            f'<p class="briefs-ledger-summary">{html.escape(self.summary_text())}</p>'
            "<table><caption>Claims checked against the data</caption><thead><tr>"
            '<th scope="col">Status</th><th scope="col">Claim</th><th scope="col">Computed</th>'
            '<th scope="col">Published</th><th scope="col">Rule</th><th scope="col">Source</th>'
            f"</tr></thead>{''.join(groups)}</table>{self._findings_html()}</div>"
        )

    def to_text(self) -> str:
        lines = []
        for c in self.claims:
            mark = "OK " if c.holds else "XX "
            line = f"{mark} {c.id}: {c.value_display} ({c.rule})"
            if c.basis:
                line += f" [{c.basis}]"
            if c.instead:
                line += f" — {c.instead}"
            lines.append(line)
        for f in self.findings:
            lines.append(f"FIND {f.id}: {f.answer}")
        return "\n".join(lines)

    def show(self) -> None:
        """Display the ledger: a table for readers, JSON for `briefs diff` and the outputs lock."""
        from IPython.display import display

        display({"text/html": self.to_html(), "text/plain": self.to_text(), CLAIMS_MIME: self.record()}, raw=True)
