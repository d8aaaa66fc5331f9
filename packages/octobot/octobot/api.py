"""The public API of the `octobot` orchestrator (re-exported by the package)."""

from __future__ import annotations

from octobot.errors import (
    AlreadyExistsError,
    BadPortfolioError,
    BadSymbolError,
    BadTimeFrameError,
    BotError,
    ConfigError,
    DataError,
    ExitCode,
    InsecureUserConfigError,
    MalformedJSONError,
    MissingRequirementError,
    NotFoundError,
    OctoBotError,
    TentacleError,
    UnknownTentacleError,
    UsageError,
)
from octobot.home import HOME_ENV, UserHome
from octobot.logging_setup import setup_logging
from octobot.optimizer.job import Fold, Window
from octobot.optimizer.objectives import BUILTIN_OBJECTIVES, Objective, available_objectives, get_objective
from octobot.optimizer.report import parameter_importance, render_study_html, write_study_html
from octobot.optimizer.samplers import SAMPLERS
from octobot.optimizer.save_best import save_settings_as_profile
from octobot.optimizer.space import Parameter, SearchSpace, default_space, load_space, parse_space
from octobot.optimizer.study import StudyOptions, StudyProgress, StudyResult, run_study
from octobot.optimizer.worker import best_run_report
from octobot.profile import Profile, load_profile
from octobot.profile_schema import PROFILE_SCHEMA
from octobot.profile_store import (
    ProfileSummary,
    builtin_profiles_dir,
    copy_profile,
    export_profile,
    find_profile,
    import_profile,
    list_profiles,
)
from octobot.record_comparison import Difference
from octobot.secret_masking import SecretMaskingFilter, SecretMaskingFormatter, mask, register_secret
from octobot.tentacle_check import (
    TentacleCheckReport,
    check_profile,
    check_profile_async,
    check_tentacle,
    check_tentacle_async,
)
from octobot.tentacle_info import ENTRY_POINT_GROUP, TentacleInfo
from octobot.tentacle_kind import TentacleKind
from octobot.tentacle_registry import TentacleRegistry
from octobot.tentacle_template import TEMPLATE_KINDS, create_tentacle
from octobot.user_config import UserConfig, load_user_config
from octobot.user_tentacle_loader import TentacleLoadError

__all__ = [
    "BUILTIN_OBJECTIVES",
    "ENTRY_POINT_GROUP",
    "HOME_ENV",
    "PROFILE_SCHEMA",
    "SAMPLERS",
    "TEMPLATE_KINDS",
    "AlreadyExistsError",
    "BadPortfolioError",
    "BadSymbolError",
    "BadTimeFrameError",
    "BotError",
    "ConfigError",
    "DataError",
    "Difference",
    "ExitCode",
    "Fold",
    "InsecureUserConfigError",
    "MalformedJSONError",
    "MissingRequirementError",
    "NotFoundError",
    "Objective",
    "OctoBotError",
    "Parameter",
    "Profile",
    "ProfileSummary",
    "SearchSpace",
    "SecretMaskingFilter",
    "SecretMaskingFormatter",
    "StudyOptions",
    "StudyProgress",
    "StudyResult",
    "TentacleCheckReport",
    "TentacleError",
    "TentacleInfo",
    "TentacleKind",
    "TentacleLoadError",
    "TentacleRegistry",
    "UnknownTentacleError",
    "UsageError",
    "UserConfig",
    "UserHome",
    "Window",
    "available_objectives",
    "best_run_report",
    "builtin_profiles_dir",
    "check_profile",
    "check_profile_async",
    "check_tentacle",
    "check_tentacle_async",
    "copy_profile",
    "create_tentacle",
    "default_space",
    "export_profile",
    "find_profile",
    "get_objective",
    "import_profile",
    "list_profiles",
    "load_profile",
    "load_space",
    "load_user_config",
    "mask",
    "parameter_importance",
    "parse_space",
    "register_secret",
    "render_study_html",
    "run_study",
    "save_settings_as_profile",
    "setup_logging",
    "write_study_html",
]
