"""A form for any settings dataclass, generated from its fields and their metadata.

`build_fields` turns settings (as saved, or as a person just typed them) into a tree of
fields to render: bool → checkbox, int → number, Fraction → text such as "2/3", str →
select (with choices) or text, list[str] → checkbox group (with choices) or one item per
line, a nested dataclass → fieldset, a list of dataclasses → a table of rows with two
blank rows to add and a remove box per row. `parse_form` reads a submitted form back
into a plain dict for `BodySettings.from_dict`; it never rejects anything itself, so
whatever was typed can be shown again next to the message about it.

Input names are the settings' paths (`decision.fraction`, `weight_bands[0].votes`), the
same paths `SettingsError.path` uses, so errors land on their field.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from werkzeug.datastructures import MultiDict

BLANK_ROWS = 2
MAX_ROWS = 200  # more rows than any constitution needs; guards the row counter


@dataclass
class SettingField:
    """One thing to render: an input, a fieldset of fields, or a table of rows."""

    name: str
    label: str
    help: str
    widget: str  # checkbox number fraction select text checkboxes lines group table
    value: Any = None
    choices: tuple[str, ...] = ()
    error: str | None = None
    children: list[SettingField] = field(default_factory=list)
    columns: list[SettingField] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)

    @property
    def id(self) -> str:
        return field_id(self.name)

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}-help"] if self.help else []
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


@dataclass
class TableRow:
    index: int
    cells: list[SettingField]
    blank: bool


def field_id(path: str) -> str:
    """An HTML id for a setting path: `weight_bands[0].votes` → `s-weight_bands-0-votes`."""
    return "s-" + re.sub(r"[^A-Za-z0-9_]+", "-", path).strip("-")


def _kind(tp: Any, choices: tuple[str, ...]) -> tuple[str, type | None]:
    """The widget for a field's type, and the dataclass it contains if any."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return "group", tp
    if origin is list:
        (item,) = typing.get_args(tp)
        if dataclasses.is_dataclass(item) and isinstance(item, type):
            return "table", item
        return ("checkboxes" if choices else "lines"), None
    if tp is bool:
        return "checkbox", None
    if tp is int:
        return "number", None
    if tp is Fraction:
        return "fraction", None
    return ("select" if choices else "text"), None


def _shown(widget: str, value: Any, choices: tuple[str, ...]) -> Any:
    """A saved or typed value as its input shows it."""
    if widget == "checkbox":
        return bool(value)
    if widget == "checkboxes":
        return [v for v in value or [] if isinstance(v, str)]
    if widget == "lines":
        return "\n".join(str(v) for v in value or [])
    if widget == "fraction" and value not in (None, ""):
        try:
            return str(Fraction(str(value)))
        except (ValueError, ZeroDivisionError):
            return str(value)
    return "" if value is None else str(value)


def build_fields(
    cls: type, values: dict[str, Any] | None, errors: dict[str, str], prefix: str = ""
) -> list[SettingField]:
    """The fields of `cls` showing `values` (missing keys show the defaults)."""
    defaults = _defaults(cls)
    values = values if isinstance(values, dict) else {}
    hints = typing.get_type_hints(cls)
    fields = []
    for f in dataclasses.fields(cls):
        path = f"{prefix}{f.name}"
        choices = tuple(f.metadata.get("choices", ()))
        widget, inner = _kind(hints[f.name], choices)
        value = values.get(f.name, defaults[f.name])
        setting = SettingField(
            name=path,
            label=str(f.metadata.get("label", f.name)),
            help=str(f.metadata.get("help", "")),
            widget=widget,
            choices=choices,
            error=errors.get(path),
        )
        if widget == "group" and inner is not None:
            setting.children = build_fields(inner, value, errors, f"{path}.")
        elif widget == "table" and inner is not None:
            items = value if isinstance(value, list) else []
            setting.columns = _leaves(inner, None, {}, "", "")
            setting.rows = [
                TableRow(i, _leaves(inner, item, errors, f"{path}[{i}].", ""), False)
                for i, item in enumerate(items)
            ] + [
                TableRow(i, _leaves(inner, None, {}, f"{path}[{i}].", ""), True)
                for i in range(len(items), len(items) + BLANK_ROWS)
            ]
        else:
            setting.value = _shown(widget, value, choices)
            if widget == "checkboxes":
                # Chosen items first, in their saved order, so an unchanged form saves
                # an unchanged list (the order of the speaking queue policy matters).
                setting.choices = tuple(setting.value) + tuple(
                    c for c in choices if c not in setting.value
                )
        fields.append(setting)
    return fields


def _leaves(
    cls: type, values: dict[str, Any] | None, errors: dict[str, str], prefix: str, label: str
) -> list[SettingField]:
    """A table row's cells: nested groups are flattened into more cells."""
    hints = typing.get_type_hints(cls)
    cells = []
    for f in dataclasses.fields(cls):
        path = f"{prefix}{f.name}"
        choices = tuple(f.metadata.get("choices", ()))
        widget, inner = _kind(hints[f.name], choices)
        cell_label = f"{label}{f.metadata.get('label', f.name)}"
        value = values.get(f.name) if isinstance(values, dict) else None
        if widget == "group" and inner is not None:
            cells += _leaves(inner, value, errors, f"{path}.", f"{cell_label}: ")
            continue
        cells.append(
            SettingField(
                name=path,
                label=cell_label,
                help="",
                widget=widget,
                value=_shown(widget, value, choices),
                choices=choices,
                error=errors.get(path),
            )
        )
    return cells


def labels(fields: list[SettingField], prefix: str = "") -> dict[str, str]:
    """Each field's path with a label a person recognises, for the list of errors."""
    found: dict[str, str] = {}
    for f in fields:
        label = f"{prefix}{f.label}"
        found[f.name] = label
        found.update(labels(f.children, f"{label}: "))
        for row in f.rows:
            found.update(labels(row.cells, f"{label}, {row.index + 1}: "))
    return found


def _defaults(cls: type) -> dict[str, Any]:
    return dataclasses.asdict(cls())


def parse_form(cls: type, form: MultiDict[str, str], prefix: str = "") -> dict[str, Any]:
    """A submitted form back into settings data, as typed: checking is `from_dict`'s job."""
    hints = typing.get_type_hints(cls)
    data: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        path = f"{prefix}{f.name}"
        choices = tuple(f.metadata.get("choices", ()))
        widget, inner = _kind(hints[f.name], choices)
        if widget == "group" and inner is not None:
            data[f.name] = parse_form(inner, form, f"{path}.")
        elif widget == "table" and inner is not None:
            data[f.name] = _parse_rows(inner, form, path)
        else:
            data[f.name] = _parse_value(widget, form, path)
    return data


def _parse_value(widget: str, form: MultiDict[str, str], path: str) -> Any:
    if widget == "checkbox":
        return path in form
    if widget == "checkboxes":
        return form.getlist(path)
    text = form.get(path, "")
    if widget == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if widget == "number":
        return int(text.strip()) if text.strip().isdigit() else text.strip()
    return text.strip()


def _parse_rows(cls: type, form: MultiDict[str, str], path: str) -> list[dict[str, Any]]:
    count = form.get(f"{path}.__rows", "0")
    rows = []
    for index in range(min(int(count) if count.isdigit() else 0, MAX_ROWS)):
        row_path = f"{path}[{index}]"
        if f"{row_path}.__remove" in form:
            continue
        row = parse_form(cls, form, f"{row_path}.")
        if not _blank(row):
            rows.append(row)
    return rows


def _blank(value: Any) -> bool:
    """A row left empty (tick boxes alone do not make a row)."""
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    return isinstance(value, bool) or value in ("", [])
