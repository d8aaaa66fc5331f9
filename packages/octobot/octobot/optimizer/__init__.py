"""The strategy optimizer: many backtests of one profile over a search space of its settings.

Its public names are re-exported by `octobot.api` (``run_study``, ``StudyOptions``, ``SearchSpace``...);
the modules here are private by convention.
"""
