"""ses-lint's own configuration: `.ses-lint.yaml` or `[tool.ses-lint]` in `pyproject.toml`, found from
the current folder upwards. Keys are the long flags' names; a flag given on the command line replaces
its key's value. Paths and patterns in it (`paths`, `exclude`, `per-file-ignores`) are relative to the
file's own folder."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ses_lint.core.findings import Severity, Stage, one_line

KEYS = {
    "select": list,
    "ignore": list,
    "extend-select": list,
    "severity": dict,
    "fail-on": str,
    "per-file-ignores": dict,
    "stages": list,
    "nameservers": list,
    "timeout": (int, float),
    "dns-concurrency": int,
    "paths": list,
    "exclude": list,
    "extend-exclude": list,
    "respect-gitignore": bool,
    "mail-from": list,
    "dkim-selector": list,
    "fail-on-empty": bool,
    "max-per-rule": int,
}


class SettingsError(Exception):
    """The configuration cannot be used (exit 2); the message names the file and the key."""


@dataclass
class Settings:
    source: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def folder(self) -> str | None:
        """The folder the configuration's paths and patterns are relative to."""
        return str(Path(self.source).resolve().parent) if self.source else None


def discover(start: Path | None = None) -> Settings:
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name in (".ses-lint.yaml", ".ses-lint.yml"):
            path = candidate / name
            if path.is_file():
                return load(path)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            settings = load(pyproject)
            if settings.source:
                return settings
    return Settings()


def load(path: Path, explicit: bool = False) -> Settings:
    """Read one configuration file: TOML when its name ends `.toml` (`[tool.ses-lint]` in a
    `pyproject.toml`; elsewhere that section or, without it, the top level), YAML otherwise. `explicit`:
    named by `--config`, so a `pyproject.toml` without the section is an error, not passed over."""
    where = f"--config {path}" if explicit else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise SettingsError(f"{where}: is a folder, not a file") from None
    except OSError as error:
        raise SettingsError(f"{where}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise SettingsError(f"{where}: cannot be read (not UTF-8: {error.reason} at byte {error.start})") from None
    if path.suffix.lower() == ".toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(f"{path}: invalid TOML: {one_line(str(error))}") from None
        tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
        section = tool.get("ses-lint")
        if section is None and path.name != "pyproject.toml":
            return Settings(str(path), validate(data, str(path), "top level"))
        if section is None:
            if explicit:
                raise SettingsError(f"{where}: has no [tool.ses-lint] section")
            return Settings()
        return Settings(str(path), validate(section, str(path), "[tool.ses-lint]"))
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise SettingsError(f"{path}: invalid YAML: {one_line(str(error))}") from None
    return Settings(str(path), validate(data, str(path), "top level"))


def validate(data: Any, source: str, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SettingsError(f"{source}: {where} must be a mapping")
    for key, value in data.items():
        expected = KEYS.get(key)
        if expected is None:
            raise SettingsError(f"{source}: unknown key `{key}` (known: {', '.join(KEYS)})")
        if isinstance(value, str) and expected is list:
            data[key] = value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            raise SettingsError(f"{source}: `{key}` has the wrong type ({type(value).__name__})")
        if expected is list and not all(isinstance(item, str) for item in value):
            raise SettingsError(f"{source}: `{key}` must be a list of strings")
    if "fail-on" in data:
        _severity(data["fail-on"], source, "fail-on")
    for code, level in data.get("severity", {}).items():
        _severity(level, source, f"severity.{code}")
    for stage in data.get("stages", []):
        if stage not in {s.value for s in Stage}:
            raise SettingsError(f"{source}: `stages` has unknown stage `{stage}` (known: static, dns, aws, probe)")
    for pattern, codes in data.get("per-file-ignores", {}).items():
        if isinstance(codes, str):
            data["per-file-ignores"][pattern] = [part.strip() for part in codes.split(",") if part.strip()]
        elif not isinstance(codes, list):
            raise SettingsError(f"{source}: `per-file-ignores.{pattern}` must be a list of codes")
    return data


def _severity(value: Any, source: str, key: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise SettingsError(f"{source}: `{key}` must be error, warning or info, not `{value}`") from None
