# Compiled build of volume.py: plain Cython (no declarations): its classes stay Python classes; compiling
# removes the interpreter overhead of the per-candle path (each indicator's _step).
