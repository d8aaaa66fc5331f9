# Compiled build of klinger.py: plain Cython (no declarations): its classes stay Python classes that
# tentacles subclass; compiling removes the interpreter overhead of the per-candle path.
