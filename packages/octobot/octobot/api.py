"""The public API of the `octobot` orchestrator (re-exported by the package)."""

from __future__ import annotations

from octobot.bot import OctoBot
from octobot.bot_control import (
    BalanceLine,
    BalanceReport,
    BotControl,
    BotStatus,
    CommandError,
    CommandResult,
    DailyFigure,
    OrderView,
    PositionView,
    ProfitSummary,
    TradesPage,
    TradeView,
)
from octobot.errors import (
    AlreadyExistsError,
    BadPortfolioError,
    BadSymbolError,
    BadTimeFrameError,
    BotError,
    ConfigError,
    DataError,
    ExitCode,
    FeedError,
    InsecureUserConfigError,
    MalformedJSONError,
    MissingRequirementError,
    NotBacktestableError,
    NotFoundError,
    OctoBotError,
    ServiceConfigError,
    TentacleError,
    UnknownTentacleError,
    UsageError,
    WebError,
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
from octobot.services.feed_health import FeedStatus
from octobot.services.polling_feed import (
    POLLING_DEFAULTS,
    POLLING_PROPERTIES,
    PollingFeed,
    backoff_seconds,
    retry_after_seconds,
)
from octobot.services.service import Service, Services
from octobot.services.service_feed import ServiceFeed
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
from octobot.web.password import clear_password as clear_web_password
from octobot.web.password import set_password as set_web_password

__all__ = [
    "BUILTIN_OBJECTIVES",
    "ENTRY_POINT_GROUP",
    "HOME_ENV",
    "POLLING_DEFAULTS",
    "POLLING_PROPERTIES",
    "PROFILE_SCHEMA",
    "SAMPLERS",
    "TEMPLATE_KINDS",
    "AlreadyExistsError",
    "BadPortfolioError",
    "BadSymbolError",
    "BadTimeFrameError",
    "BalanceLine",
    "BalanceReport",
    "BotControl",
    "BotError",
    "BotStatus",
    "CommandError",
    "CommandResult",
    "ConfigError",
    "DailyFigure",
    "DataError",
    "Difference",
    "ExitCode",
    "FeedError",
    "FeedStatus",
    "Fold",
    "InsecureUserConfigError",
    "MalformedJSONError",
    "MissingRequirementError",
    "NotBacktestableError",
    "NotFoundError",
    "Objective",
    "OctoBot",
    "OctoBotError",
    "OrderView",
    "Parameter",
    "PollingFeed",
    "PositionView",
    "Profile",
    "ProfileSummary",
    "ProfitSummary",
    "SearchSpace",
    "SecretMaskingFilter",
    "SecretMaskingFormatter",
    "Service",
    "ServiceConfigError",
    "ServiceFeed",
    "Services",
    "StudyOptions",
    "StudyProgress",
    "StudyResult",
    "TentacleCheckReport",
    "TentacleError",
    "TentacleInfo",
    "TentacleKind",
    "TentacleLoadError",
    "TentacleRegistry",
    "TradeView",
    "TradesPage",
    "UnknownTentacleError",
    "UsageError",
    "UserConfig",
    "UserHome",
    "WebError",
    "Window",
    "available_objectives",
    "backoff_seconds",
    "best_run_report",
    "builtin_profiles_dir",
    "check_profile",
    "check_profile_async",
    "check_tentacle",
    "check_tentacle_async",
    "clear_web_password",
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
    "retry_after_seconds",
    "run_study",
    "save_settings_as_profile",
    "set_web_password",
    "setup_logging",
    "write_study_html",
]
