"""The tests of octobot backtesting: a package, so that one pytest call can run every package's tests."""
