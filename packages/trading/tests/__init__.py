"""The tests of octobot trading: a package, so that one pytest call can run every package's tests."""
