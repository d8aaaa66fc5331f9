# Compiled build of evaluation.py: plain Cython (no declarations): clamp_evaluation and validate_evaluation
# run on every evaluation a TA evaluator computes; compiling removes their interpreter overhead.
