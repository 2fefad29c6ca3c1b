"""Constitution presets as data: one TOML file per organisation, loaded into models.

A preset is a starting point. Loading it creates the organisation and its bodies with
their settings; from then on the admin pages edit every setting. No code here knows
which organisation it is loading.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voting.constitutions.schema import BodySettings, SettingsError

PRESET_DIR = Path(__file__).parent


@dataclass(frozen=True)
class BodyPreset:
    slug: str
    name: str
    kind: str
    description: str
    settings: BodySettings


@dataclass(frozen=True)
class PositionPreset:
    """An office the constitution names: who elects it, who may recall it, its term."""

    slug: str
    name: str
    elected_by: str  # a body's slug
    seats: int = 1
    sits_on: str = ""
    recalled_by: str = ""
    term_months: int = 12
    group: str = ""
    role: str = "officer"
    sort: int = 0


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    slug: str
    languages: list[str]
    unit_kinds: list[str]
    settings: dict[str, Any]
    bodies: list[BodyPreset]
    positions: list[PositionPreset] = field(default_factory=list)


def preset_keys() -> list[str]:
    """The presets shipped, by file name: ["awl", "isn", "wri", "wsm"]."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def load_preset(key: str) -> Preset:
    """Read and validate one preset; a broken preset names the body and the setting."""
    if key not in preset_keys():
        raise KeyError(key)
    data = tomllib.loads((PRESET_DIR / f"{key}.toml").read_text(encoding="utf-8"))
    org = dict(data["organisation"])
    bodies = []
    for raw in data.get("bodies", []):
        try:
            settings = BodySettings.from_dict(raw.get("settings", {}))
        except SettingsError as error:
            raise SettingsError(f"{key}:{raw['slug']}.{error.path}", error.message) from None
        problems = settings.validate()
        if problems:
            raise problems[0]
        bodies.append(
            BodyPreset(raw["slug"], raw["name"], raw["kind"], raw.get("description", ""), settings)
        )
    slugs = {b.slug for b in bodies}
    positions = []
    for raw in data.get("positions", []):
        position = PositionPreset(**raw)
        named = [position.elected_by, position.sits_on, position.recalled_by]
        unknown = [s for s in named if s and s not in slugs]
        if unknown:
            raise SettingsError(f"{key}:positions.{position.slug}", f"no body {unknown[0]!r}")
        positions.append(position)
    return Preset(
        key=key,
        name=org.pop("name"),
        slug=org.pop("slug"),
        languages=org.pop("languages", ["en"]),
        unit_kinds=org.pop("unit_kinds", []),
        settings=org,
        bodies=bodies,
        positions=positions,
    )
