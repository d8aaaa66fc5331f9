"""Build script shared by every package (each package's setup.py is a link to this file).

Why one file: the compile-or-fall-back rule must be identical for all five distributions.
Rule: a module is compiled with Cython when an augmenting ``.pxd`` sits beside its ``.py``; the build
falls back to pure Python, with a warning and never an error, when Cython or a C compiler is missing,
when a module fails to compile, or when ``OCTOBOT_PURE_PYTHON=1`` is set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).parent  # not resolved: this file is reached through a link
PURE_ENV = "OCTOBOT_PURE_PYTHON"


def _warn(message: str) -> None:
    print(f"WARNING (octobot build): {message}", file=sys.stderr)


def _pure_requested() -> bool:
    return os.environ.get(PURE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _hot_modules() -> list[str]:
    """Relative paths of the ``.py`` modules that have an augmenting ``.pxd``."""
    modules = []
    for pxd in sorted(HERE.glob("octobot*/**/*.pxd")):
        source = pxd.with_suffix(".py")
        if source.exists():
            modules.append(source.relative_to(HERE).as_posix())
    return modules


def _extensions() -> list:
    if _pure_requested():
        _warn(f"{PURE_ENV} is set: building pure Python")
        return []
    modules = _hot_modules()
    if not modules:
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        _warn("Cython is not installed: building pure Python")
        return []
    try:
        return cythonize(
            modules,
            compiler_directives={"language_level": "3", "binding": True, "embedsignature": True},
            quiet=True,
            nthreads=os.cpu_count() or 1,  # modules are independent: translate them in parallel
        )
    except Exception as error:  # a Cython error must not break the install
        _warn(f"Cython failed ({error}): building pure Python")
        return []


class OptionalBuildExt(build_ext):
    """Compiles what it can; a module that fails to compile stays pure Python."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if not self.parallel:  # extensions are independent: one C compiler per core
            self.parallel = os.cpu_count() or 1

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # no compiler at all
            _warn(f"no usable C compiler ({error}): building pure Python")

    def build_extension(self, ext) -> None:
        if self.compiler.compiler_type != "msvc":
            # no fused multiply-add: compiled float arithmetic stays bit-identical to the pure build's
            ext.extra_compile_args = [*ext.extra_compile_args, "-ffp-contract=off"]
        try:
            super().build_extension(ext)
        except Exception as error:
            _warn(f"{ext.name} failed to compile ({error}): it stays pure Python")


os.chdir(HERE)
setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
