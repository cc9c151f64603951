"""The shape of a data package descriptor and its table schemas, checked before anything uses them.

`datapackage.json` is edited by hand. A resource written as a bare number, a
hash written as a number, a field list written as one string or a bound
written as a word would otherwise reach the code that reads it as a
TypeError or KeyError far from its cause. Each is refused here with one line
naming the file, the resource and the key, as a person must fix it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from briefs.errors import DataError

# Frictionless's own rule for names, matched whole: a trailing newline is not a name.
NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
HASH = re.compile(r"(?:[a-z0-9]+:)?[0-9a-fA-F]+")
_NUMERIC = {"integer", "number"}
_DATES = {"date", "datetime"}
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _shown(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 2]}…{text[0]}"


def check_package(descriptor: dict, where: str) -> None:
    """Every resource an object with a unique, well-formed name; hashes text; inline schemas well formed."""
    seen: dict[str, int] = {}
    for i, res in enumerate(descriptor["resources"]):
        if not isinstance(res, dict):
            raise DataError(f"{where}: resources[{i}] must be an object with a name, path and schema, got {_shown(res)}")
        name = res.get("name")
        if name is None:
            raise DataError(f"{where}: resources[{i}] has no name")
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise DataError(
                f"{where}: resources[{i}] name {_shown(name)} is not allowed: use lower-case letters, digits, "
                "'.', '-' and '_', starting with a letter or digit"
            )
        if name in seen:
            raise DataError(f"{where}: resource {name!r} is listed twice (resources[{seen[name]}] and resources[{i}])")
        seen[name] = i
        digest = res.get("hash")
        if digest is not None and not (isinstance(digest, str) and HASH.fullmatch(digest)):
            raise DataError(
                f"{where}: resource {name!r} hash must be text such as 'sha256:<64 hex digits>', got {_shown(digest)}"
            )
        path = res.get("path")
        if path is not None and not isinstance(path, str):
            raise DataError(f"{where}: resource {name!r} path must be one file name, got {_shown(path)}")
        schema = res.get("schema")
        if isinstance(schema, dict):
            check_schema(schema, where, name)
        elif schema is not None and not isinstance(schema, str):
            raise DataError(
                f"{where}: resource {name!r} schema must be an object or the path of a schema file, got {_shown(schema)}"
            )


def check_schema(schema: Any, where: str, resource: str) -> None:
    """A Table Schema whose fields, types and constraints the validator can use as written."""
    if not isinstance(schema, dict):
        raise DataError(f"{where}: the schema of resource {resource!r} must be an object, got {_shown(schema)}")
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        raise DataError(f"{where}: resource {resource!r} schema fields must be a list of fields, got {_shown(fields)}")
    names = []
    for i, field in enumerate(fields):
        if not isinstance(field, dict):
            raise DataError(
                f"{where}: resource {resource!r} schema fields[{i}] must be an object with a name and type, got {_shown(field)}"
            )
        name = field.get("name")
        if not isinstance(name, str) or not name:
            raise DataError(f"{where}: resource {resource!r} schema fields[{i}] has no name")
        if name in names:
            raise DataError(f"{where}: resource {resource!r} schema names field {name!r} twice")
        names.append(name)
        kind = field.get("type", "string")
        if not isinstance(kind, str):
            raise DataError(f"{where}: resource {resource!r} field {name!r}: type must be text, got {_shown(kind)}")
        _check_constraints(field.get("constraints", {}), kind, f"{where}: resource {resource!r} field {name!r}")
    key = schema.get("primaryKey")
    if key is not None:
        keys = [key] if isinstance(key, str) else key
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise DataError(
                f"{where}: resource {resource!r} primaryKey must be a field name or a list of them, got {_shown(key)}"
            )
        for k in keys:
            if k not in names:
                raise DataError(f"{where}: resource {resource!r} primaryKey names {k!r}, which is not a field")


def _check_constraints(constraints: Any, kind: str, place: str) -> None:
    if not isinstance(constraints, dict):
        raise DataError(f"{place}: constraints must be an object, got {_shown(constraints)}")
    for bound in _BOUNDS:
        if bound not in constraints:
            continue
        value = constraints[bound]
        if kind in _NUMERIC and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise DataError(f"{place}: constraint {bound} must be a number, got {_shown(value)}")
        if kind in _DATES:
            try:
                date.fromisoformat(value if isinstance(value, str) else "")
            except ValueError:
                raise DataError(f"{place}: constraint {bound} must be a date (YYYY-MM-DD), got {_shown(value)}") from None
    for flag in ("required", "unique"):
        if flag in constraints and not isinstance(constraints[flag], bool):
            raise DataError(f"{place}: constraint {flag} must be true or false, got {_shown(constraints[flag])}")
    for length in ("minLength", "maxLength"):
        value = constraints.get(length)
        if length in constraints and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise DataError(f"{place}: constraint {length} must be a whole number, got {_shown(value)}")
    if "enum" in constraints and not isinstance(constraints["enum"], list):
        raise DataError(f"{place}: constraint enum must be a list of allowed values, got {_shown(constraints['enum'])}")
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        try:
            re.compile(pattern if isinstance(pattern, str) else "(")
        except re.error:
            raise DataError(f"{place}: constraint pattern must be a regular expression, got {_shown(pattern)}") from None


def read(path: Path, where: str, *, missing: str, unreadable: str, shape: str) -> dict:
    """A JSON descriptor with a list of `resources` (a data package, or the description of the official
    series); every way it can fail is one line naming the file, in the words of the caller."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{where}: {missing}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{where}: {unreadable}: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list):
        raise DataError(f"{where}: {shape}")
    return doc
