"""The registry of tentacles: built-in and third-party ones through entry points, and the user's own.

Why entry points: built-in tentacles live with the package whose base class they extend, and a
third-party distribution is found exactly the same way (group ``octobot.tentacles``).
"""

from __future__ import annotations

import functools
import importlib.metadata as metadata
import inspect
import logging
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from octobot.errors import TentacleError, UnknownTentacleError
from octobot.suggestions import did_you_mean
from octobot.tentacle_info import ENTRY_POINT_GROUP, TentacleInfo, is_tentacle_class
from octobot.tentacle_kind import TentacleKind, parse_kind
from octobot.user_tentacle_loader import TentacleLoadError, error_location, load_user_module, user_sources

logger = logging.getLogger(__name__)


def _module_tentacles(module: ModuleType) -> list[type]:
    """Concrete tentacle classes defined in ``module`` (or its submodules), not merely imported there."""
    return [
        member
        for _, member in inspect.getmembers(module, inspect.isclass)
        if is_tentacle_class(member)
        and (member.__module__ == module.__name__ or member.__module__.startswith(module.__name__ + "."))
    ]


def _distribution_identity(dist: metadata.Distribution | None) -> tuple[str, str]:
    """(name, version) of the distribution an entry point comes from, ("?", "0.0.0") without one.

    Why not ``dist.metadata``: it parses the whole METADATA file (long description included) with the
    email parser, twice per entry point, which was three quarters of a discovery (an optimizer worker
    discovers the tentacles for every study it joins); the two header fields are read from the text.
    """
    if dist is None:
        return "?", "0.0.0"
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
    if text is None:
        return dist.metadata["Name"], dist.version
    return _name_and_version(text)


@functools.lru_cache(maxsize=256)
def _name_and_version(metadata_text: str) -> tuple[str, str]:
    """The Name and Version headers of a METADATA text (the headers end at the first blank line)."""
    fields: dict[str, str] = {}
    for line in metadata_text.splitlines():
        if not line.strip():
            break
        key, separator, value = line.partition(":")
        if separator and key in ("Name", "Version"):
            fields.setdefault(key, value.strip())
    return fields.get("Name", "?"), fields.get("Version", "0.0.0")


def _class_line(cls: type) -> int | None:
    try:
        return inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        return None


class TentacleRegistry:
    """Every loadable tentacle by name, plus the errors of those that could not be loaded."""

    def __init__(self) -> None:
        self._tentacles: dict[str, TentacleInfo] = {}
        self.errors: list[TentacleLoadError] = []
        # name -> error, so that a profile naming a broken tentacle says why it is missing
        self._failed: dict[str, TentacleLoadError] = {}

    @classmethod
    def discover(cls, user_folder: Path | None = None, entry_points: bool = True) -> TentacleRegistry:
        """Load the entry-point tentacles of every installed distribution, then the user folder's.

        Never raises for a broken tentacle: each failure is kept in ``errors`` for the caller to report.
        """
        registry = cls()
        if entry_points:
            registry.load_entry_points()
        if user_folder is not None:
            registry.load_user_folder(user_folder)
        return registry

    # ---------------------------------------------------------------- loading
    def load_entry_points(self) -> None:
        for entry_point in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
            dist_name, version = _distribution_identity(getattr(entry_point, "dist", None))
            source = f"entry point {entry_point.name} = {entry_point.value} ({dist_name} {version})"
            try:
                target = entry_point.load()
            except Exception as error:
                self._fail(
                    entry_point.name, TentacleLoadError(source, None, f"{type(error).__name__}: {error}")
                )
                continue
            classes = _module_tentacles(target) if inspect.ismodule(target) else [target]
            if not classes or not all(is_tentacle_class(item) for item in classes):
                self._fail(
                    entry_point.name,
                    TentacleLoadError(
                        source, None, "does not point to a concrete tentacle class (no TENTACLE_KIND)"
                    ),
                )
                continue
            for tentacle in classes:
                self._register(tentacle, source, version, source_line=None)

    def load_user_folder(self, folder: Path) -> None:
        for path in user_sources(folder):
            try:
                module = load_user_module(path)
            except Exception as error:
                file, line = error_location(error, path)
                self._fail(path.stem, TentacleLoadError(file, line, f"{type(error).__name__}: {error}"))
                continue
            classes = _module_tentacles(module)
            if not classes:
                logger.warning("%s defines no tentacle class (a class with TENTACLE_KIND)", path)
            for tentacle in classes:
                self._register(
                    tentacle, inspect.getsourcefile(tentacle) or str(path), "0.0.0", _class_line(tentacle)
                )

    def _register(self, tentacle: type, source: str, version: str, source_line: int | None) -> None:
        try:
            info = TentacleInfo.from_class(tentacle, source, version)
        except TentacleError as error:
            self._fail(tentacle.__name__, TentacleLoadError(source, source_line, str(error)))
            return
        existing = self._tentacles.get(info.name)
        if existing is not None and existing.cls is not tentacle:
            self._fail(
                info.name,
                TentacleLoadError(
                    source,
                    source_line,
                    f"duplicate tentacle name '{info.name}': already from {existing.source}",
                ),
            )
            return
        self._tentacles[info.name] = info

    def _fail(self, name: str, error: TentacleLoadError) -> None:
        self.errors.append(error)
        self._failed[name] = error

    def add(self, tentacle: type, source: str = "added by code") -> TentacleInfo:
        """Register one class directly (embedding and tests); TentacleError if it is declared wrongly."""
        if not is_tentacle_class(tentacle):
            raise TentacleError(f"{tentacle!r} is not a concrete tentacle class (it needs TENTACLE_KIND)")
        info = TentacleInfo.from_class(tentacle, source)
        self._tentacles[info.name] = info
        return info

    # ---------------------------------------------------------------- queries
    def __contains__(self, name: object) -> bool:
        return name in self._tentacles

    def __len__(self) -> int:
        return len(self._tentacles)

    def names(self, kinds: Iterable[TentacleKind] | None = None) -> list[str]:
        return [info.name for info in self.list(kinds)]

    def list(
        self, kinds: Iterable[TentacleKind | str] | TentacleKind | str | None = None
    ) -> list[TentacleInfo]:
        """Loaded tentacles sorted by kind then name, optionally only of ``kinds``."""
        if isinstance(kinds, (str, TentacleKind)):
            kinds = [kinds]
        wanted = None if kinds is None else {parse_kind(kind) for kind in kinds}
        chosen = [info for info in self._tentacles.values() if wanted is None or info.kind in wanted]
        order = list(TentacleKind)
        return sorted(chosen, key=lambda info: (order.index(info.kind), info.name))

    def get(self, name: str, kinds: Iterable[TentacleKind] | None = None, where: str = "") -> TentacleInfo:
        """The tentacle called ``name`` (of one of ``kinds``); UnknownTentacleError with a suggestion."""
        prefix = f"{where}: " if where else ""
        wanted = None if kinds is None else list(dict.fromkeys(kinds))  # ordered: stable messages
        info = self._tentacles.get(name)
        if info is not None and (wanted is None or info.kind in wanted):
            return info
        kind_text = " or ".join(kind.value for kind in wanted) if wanted else "tentacle"
        if info is not None:
            raise UnknownTentacleError(
                f"{prefix}'{name}' is a {info.kind.value} tentacle; expected kind here: {kind_text}"
            )
        failed = self._failed.get(name)
        if failed is not None:
            raise UnknownTentacleError(f"{prefix}{kind_text} '{name}' failed to load: {failed}")
        candidates = self.names(wanted)
        known = ", ".join(candidates) if candidates else "none installed"
        raise UnknownTentacleError(
            f"{prefix}unknown {kind_text} '{name}'{did_you_mean(name, candidates)} (available: {known})"
        )
