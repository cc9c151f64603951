"""A document's numeric arguments as checked code.

A claim pairs a statement (in the project's words) with a value computed from
data, the value the source printed where it printed one, and a rule. Its
status is a pure function of value, published value and rule, so re-running a
brief on new data re-decides every argument. Making a claim glues its value
for the prose and records it in a ledger that the executed notebook carries;
reviewers and the outputs lock read that ledger, not the page.
"""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from briefs.data.package import Figure
from briefs.errors import ClaimContradicted

LEDGER_MIME = "application/vnd.briefs.ledger+json"
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

    @property
    def holds(self) -> bool:
        return self.status == HOLDS


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"claim values must be numbers, got {value!r}") from None


@dataclass
class Ledger:
    """Every claim and glued value of one brief, in the order they were made."""

    brief: str
    strict: bool = False
    claims: list[Claim] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)

    def glue(self, key: str, value: Any, fmt: str = "{:,.0f}") -> None:
        """Glue a formatted value for the prose (`{glue:text}` with the key) and record it."""
        from myst_nb import glue as nb_glue

        text = fmt.format(value) if not isinstance(value, str) else value
        if key in self.values:
            raise ValueError(f"{self.brief}: glue key {key!r} used twice")
        self.values[key] = text
        nb_glue(key, text, display=False)

    def claim(
        self,
        id: str,
        statement: str,
        value: Any,
        rule: Rule,
        published: Figure | float | int | None = None,
        fmt: str = "{:,.0f}",
        source: str | None = None,
    ) -> None:
        """Check one argument; glue `id` (value) and `id_published`; flag or fail if contradicted."""
        value = _number(value)
        pub_value: float | None
        if isinstance(published, Figure):
            pub_value, source = published.value, source or published.citation()
        else:
            pub_value = None if published is None else _number(published)
        ref = rule.reference(pub_value)
        ref_text = None if ref is None else fmt.format(ref)
        if ref is None:
            raise ValueError(f"claim {id!r}: rule {rule.kind!r} needs a published value or a target")
        state = status(value, pub_value, rule)
        text = fmt.format(value)
        claim = Claim(
            id=id,
            statement=statement,
            value=round(value, 10),
            text=text,
            rule=rule.describe(ref_text),
            status=state,
            published=pub_value,
            published_text=None if pub_value is None else fmt.format(pub_value),
            source=source,
        )
        if any(c.id == id for c in self.claims):
            raise ValueError(f"{self.brief}: claim id {id!r} used twice")
        self.claims.append(claim)
        self.glue(id, text if claim.holds else f"{text} [contradicted]")
        if claim.published_text is not None:
            self.glue(f"{id}_published", claim.published_text)
        if not claim.holds and self.strict:
            raise ClaimContradicted(
                f"claim {id!r} is contradicted: computed {text}, but the rule says it {claim.rule} ({statement})"
            )

    @property
    def contradicted(self) -> list[Claim]:
        return [c for c in self.claims if not c.holds]

    def record(self) -> dict:
        return {
            "brief": self.brief,
            "claims": [asdict(c) for c in self.claims],
            "values": dict(self.values),
        }

    def to_html(self) -> str:
        """The claims as a table; on a phone each row is a block of labelled lines (see briefs.css)."""
        from briefs.page.tables import text_html

        rows = []
        for c in self.claims:
            badge = "✔ holds" if c.holds else "✘ contradicted"
            pub = html.escape(c.published_text) if c.published_text is not None else "—"
            src = text_html(c.source) if c.source else ""
            rows.append(
                f'<tr class="briefs-claim briefs-claim-{c.status}" id="claim-{html.escape(c.id)}">'
                f'<td data-label="Status"><span class="briefs-badge">{badge}</span></td>'
                f'<td data-label="Claim">{text_html(c.statement)}<br><code>{html.escape(c.id)}</code></td>'
                f'<td class="num" data-label="Computed">{html.escape(c.text)}</td>'
                f'<td class="num" data-label="Published">{pub}</td>'
                f'<td data-label="Rule">{text_html(c.rule)}</td><td data-label="Source">{src}</td></tr>'
            )
        n_bad = len(self.contradicted)
        summary = (
            f"All {len(self.claims)} claims hold on the data as given."
            if not n_bad
            else f"{n_bad} of {len(self.claims)} claims are contradicted by the data: see the flagged rows."
        )
        cls = "briefs-ledger briefs-wide" + (" briefs-ledger-contradicted" if n_bad else "")
        return (
            f'<div class="{cls}" role="region" aria-label="Claims checked against the data" tabindex="0">'
            f'<p class="briefs-ledger-summary">{summary}</p>'
            '<table><caption>Claims checked against the data</caption><thead><tr>'
            '<th scope="col">Status</th><th scope="col">Claim</th><th scope="col">Computed</th>'
            '<th scope="col">Published</th><th scope="col">Rule</th><th scope="col">Source</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
        )

    def to_text(self) -> str:
        lines = [f"{'OK ' if c.holds else 'XX '} {c.id}: {c.text} ({c.rule})" for c in self.claims]
        return "\n".join(lines)

    def show(self) -> None:
        """Display the ledger: a table for readers, JSON for `briefs diff` and the outputs lock."""
        from IPython.display import display

        display({"text/html": self.to_html(), "text/plain": self.to_text(), LEDGER_MIME: self.record()}, raw=True)
