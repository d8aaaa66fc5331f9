# Compiled build of daily_trading_mode.py: plain Cython (no declarations): DailyTradingMode stays a Python
# class that tentacles subclass; compiling makes its per-evaluation decide_state a C function with typed
# locals (see the @cython.locals in the .py) instead of a Python frame.
