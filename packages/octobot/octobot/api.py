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
    NotFoundError,
    OctoBotError,
    ServiceConfigError,
    TentacleError,
    UnknownTentacleError,
    WebError,
)
from octobot.home import HOME_ENV, UserHome
from octobot.logging_setup import setup_logging
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
from octobot.services.polling_feed import POLLING_DEFAULTS, POLLING_PROPERTIES, PollingFeed, backoff_seconds
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
    "ENTRY_POINT_GROUP",
    "HOME_ENV",
    "POLLING_DEFAULTS",
    "POLLING_PROPERTIES",
    "PROFILE_SCHEMA",
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
    "InsecureUserConfigError",
    "MalformedJSONError",
    "MissingRequirementError",
    "NotFoundError",
    "OctoBot",
    "OctoBotError",
    "OrderView",
    "PollingFeed",
    "PositionView",
    "Profile",
    "ProfileSummary",
    "ProfitSummary",
    "SecretMaskingFilter",
    "SecretMaskingFormatter",
    "Service",
    "ServiceConfigError",
    "ServiceFeed",
    "Services",
    "TentacleCheckReport",
    "TentacleError",
    "TentacleInfo",
    "TentacleKind",
    "TentacleLoadError",
    "TentacleRegistry",
    "TradeView",
    "TradesPage",
    "UnknownTentacleError",
    "UserConfig",
    "UserHome",
    "WebError",
    "backoff_seconds",
    "builtin_profiles_dir",
    "check_profile",
    "check_profile_async",
    "check_tentacle",
    "check_tentacle_async",
    "clear_web_password",
    "copy_profile",
    "create_tentacle",
    "export_profile",
    "find_profile",
    "import_profile",
    "list_profiles",
    "load_profile",
    "load_user_config",
    "mask",
    "register_secret",
    "set_web_password",
    "setup_logging",
]
