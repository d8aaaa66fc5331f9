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
    NotBacktestableError,
    NotFoundError,
    OctoBotError,
    TentacleError,
    UnknownTentacleError,
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
    "ENTRY_POINT_GROUP",
    "HOME_ENV",
    "PROFILE_SCHEMA",
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
    "InsecureUserConfigError",
    "MalformedJSONError",
    "MissingRequirementError",
    "NotBacktestableError",
    "NotFoundError",
    "OctoBotError",
    "Profile",
    "ProfileSummary",
    "SecretMaskingFilter",
    "SecretMaskingFormatter",
    "TentacleCheckReport",
    "TentacleError",
    "TentacleInfo",
    "TentacleKind",
    "TentacleLoadError",
    "TentacleRegistry",
    "UnknownTentacleError",
    "UserConfig",
    "UserHome",
    "builtin_profiles_dir",
    "check_profile",
    "check_profile_async",
    "check_tentacle",
    "check_tentacle_async",
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
    "setup_logging",
]
