"""Other engines running the benchmark rules on the same candles, one module per engine.

Each module's ``run_*`` functions return an `engine_run.EngineRun` (timed around the engine's run only),
or None after printing why when the engine is not installed (``pip install octobot[bench]``).
"""
