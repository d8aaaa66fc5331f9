"""The `octobot` command: `octobot.cli.main(argv)` returns the exit code (the console script exits with it).

Why one clear line per error: a user reading a terminal wants what is wrong and how to fix it; the
traceback is there on demand (`--debug`), with secrets masked like everything else.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn, TextIO

import octobot_backtesting as ob
from octobot import __version__
from octobot.cli import (
    backtest_command,
    config_command,
    data_command,
    optimize_command,
    profiles_command,
    run_command,
    tentacles_command,
    web_command,
)
from octobot.cli.context import CliContext
from octobot.data_errors import data_error
from octobot.errors import ExitCode, OctoBotError
from octobot.home import UserHome
from octobot.logging_setup import setup_logging
from octobot.secret_masking import mask

logger = logging.getLogger(__name__)

_COMMANDS = (
    run_command,
    backtest_command,
    optimize_command,
    profiles_command,
    tentacles_command,
    data_command,
    config_command,
    web_command,
)


#: console log level of each command unless --log-level or --debug says otherwise
_CONSOLE_LEVELS = {"run": "INFO", "web": "INFO"}
#: commands that log to the rotating file too (and read the user config's logging levels)
_LONG_RUNNING = ("run", "backtest", "optimize")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is returned as an exit code instead of killing the caller's process."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("octobot").strip()
        where = f"{command}: " if command else ""
        raise _UsageError(f"octobot: error: {where}{message} (see `{self.prog} --help`)")


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="octobot", description="An event-driven crypto trading robot.")
    parser.add_argument("--version", action="version", version=f"octobot {__version__}")
    parser.add_argument("--home", help="user data folder (default: $OCTOBOT_HOME or ~/.octobot)")
    parser.add_argument("--debug", action="store_true", help="print the traceback of an error; log at DEBUG")
    parser.add_argument("--log-level", default=None, help="console log level (default WARNING, INFO for run)")
    parser.add_argument(
        "--log",
        action="append",
        default=[],
        metavar="LOGGER=LEVEL",
        help="level of one package, e.g. ccxt=WARNING",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for command in _COMMANDS:
        command.add_parser(subparsers)
    return parser


def _package_levels(values: list[str]) -> dict[str, str]:
    levels = {}
    for value in values:
        name, _, level = value.partition("=")
        if not name or not level:
            raise _UsageError(f"octobot: error: --log expects LOGGER=LEVEL, e.g. ccxt=WARNING, got {value!r}")
        levels[name] = level
    return levels


def _setup_logging(args: argparse.Namespace, context: CliContext) -> None:
    """Console for every command; for the long-running ones also the rotating file and the user
    config's levels (the command line wins over the user config)."""
    settings: dict = {}
    long_running = args.command in _LONG_RUNNING
    if long_running:
        settings = context.user_config.logging
    console_level = (
        args.log_level or settings.get("console_level") or _CONSOLE_LEVELS.get(args.command, "WARNING")
    )
    setup_logging(
        log_dir=context.home.logs if long_running else None,
        console_level="DEBUG" if args.debug else console_level,
        file_level="DEBUG" if args.debug else settings.get("file_level", "INFO"),
        package_levels={**settings.get("levels", {}), **_package_levels(args.log)},
        console_stream=context.err,
    )


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line ``argv`` (default: sys.argv[1:]); return the process exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        with contextlib.redirect_stdout(out):  # --help and --version print to ``out``
            args = build_parser().parse_args(argv)
        context = CliContext(home=UserHome.resolve(args.home), debug=args.debug, out=out, err=err)
        _setup_logging(args, context)
        return int(args.handler(args, context))
    except SystemExit as exit_request:  # --help and --version
        code = exit_request.code
        return code if isinstance(code, int) else (ExitCode.OK if code is None else ExitCode.USAGE)
    except _UsageError as error:
        err.write(f"{mask(str(error))}\n")
        return ExitCode.USAGE
    except KeyboardInterrupt:
        err.write("octobot: interrupted\n")
        return ExitCode.INTERRUPTED
    except OctoBotError as error:
        _report(err, error, debug)
        return int(error.exit_code)
    except ob.BacktestingError as error:  # data files, importers, collectors: the user's data
        wrapped = data_error(error)
        _report(err, wrapped, debug)
        return int(wrapped.exit_code)
    except Exception as error:
        _report(err, error, debug, unexpected=True)
        return ExitCode.UNEXPECTED


def _report(err: TextIO, error: BaseException, debug: bool, unexpected: bool = False) -> None:
    if debug:
        err.write(mask("".join(traceback.format_exception(error))))
    text = str(error) if not unexpected else f"unexpected {type(error).__name__}: {error}"
    hint = "" if debug or not unexpected else " (run again with --debug for the traceback, and report it)"
    err.write(f"octobot: error: {mask(text)}{hint}\n")
