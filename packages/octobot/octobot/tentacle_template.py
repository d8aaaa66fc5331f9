"""`octobot tentacles new`: a working, tested skeleton of a user tentacle in the user tentacles folder.

Why generate a test too: the fastest way to a correct tentacle is to start from one whose test already
passes, then change the logic and the test together. The sources are Python files in
`octobot.tentacle_templates` (``<kind>_module.py.tmpl`` and ``<kind>_tests.py.tmpl``), copied with the
names replaced.
"""

from __future__ import annotations

import keyword
import re
from importlib import resources
from pathlib import Path

from octobot.errors import AlreadyExistsError, ConfigError
from octobot.tentacle_kind import TentacleKind

#: the kinds `octobot tentacles new` can create, with what each template is
TEMPLATES: dict[TentacleKind, str] = {
    TentacleKind.TA: "technical evaluator: momentum of the closes, on each closed candle",
    TentacleKind.REAL_TIME: "real-time evaluator: the candle's body in its range, while it forms",
    TentacleKind.SOCIAL: "social evaluator: buy/sell calls of a signal feed",
    TentacleKind.STRATEGY: "strategy: the average of the TA evaluations",
    TentacleKind.TRADING_MODE: "trading mode: market buy on a buy signal, sell all on a sell signal",
    TentacleKind.NOTIFIER: "notifier: every trade appended to a JSON-lines file",
    TentacleKind.INTERFACE: "interface: GET /status of the bot over HTTP on the loopback",
    TentacleKind.SERVICE_FEED: "service feed: the new items of a JSON API, polled, published as signals",
}
TEMPLATE_KINDS = tuple(TEMPLATES)
_CLASS_NAME = re.compile(r"^[A-Z][A-Za-z0-9]{1,63}$")
#: what the template files say, replaced in the copies
_CLASS_TOKEN, _MODULE_TOKEN, _TEST_PATH_TOKEN = "TemplateTentacle", "template_tentacle", "TEMPLATE_TEST_PATH"


def snake_case(name: str) -> str:
    """``MyRSIEvaluator`` -> ``my_rsi_evaluator``."""
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text).lower()


def template_sources(kind: TentacleKind) -> tuple[str, str]:
    """(module, test) template texts of ``kind``."""
    folder = resources.files("octobot.tentacle_templates")
    return (
        folder.joinpath(f"{kind.value}_module.py.tmpl").read_text(encoding="utf-8"),
        folder.joinpath(f"{kind.value}_tests.py.tmpl").read_text(encoding="utf-8"),
    )


def _fill(text: str, name: str, module: str, test_path: Path) -> str:
    return (
        text.replace(_TEST_PATH_TOKEN, str(test_path))
        .replace(_CLASS_TOKEN, name)
        .replace(_MODULE_TOKEN, module)
    )


def create_tentacle(name: str, kind: TentacleKind, folder: Path, force: bool = False) -> list[Path]:
    """Write ``<folder>/<module>.py`` and ``<folder>/tests/test_<module>.py``; return both paths."""
    if kind not in TEMPLATES:
        raise ConfigError(
            f"no template for kind '{kind.value}'; available: {', '.join(k.value for k in TEMPLATE_KINDS)}"
        )
    if not _CLASS_NAME.match(name) or keyword.iskeyword(name):
        raise ConfigError(f"invalid tentacle name {name!r}: use a CamelCase class name, e.g. MyRSIEvaluator")
    module = snake_case(name)
    source = folder / f"{module}.py"
    test = folder / "tests" / f"test_{module}.py"
    for path in (source, test):
        if path.exists() and not force:
            raise AlreadyExistsError(f"{path} already exists (use --force to overwrite it)")
    test.parent.mkdir(parents=True, exist_ok=True)
    module_template, test_template = template_sources(kind)
    source.write_text(_fill(module_template, name, module, test), encoding="utf-8")
    test.write_text(_fill(test_template, name, module, test), encoding="utf-8")
    return [source, test]
