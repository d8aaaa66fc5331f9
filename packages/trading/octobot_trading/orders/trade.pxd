# Compiled build of trade.py: plain Cython (no declarations): its classes stay Python classes (subclassed and
# extended as before); compiling removes the interpreter overhead of the per-order path (plan to fill).
