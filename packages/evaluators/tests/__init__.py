"""The tests of octobot evaluators: a package, so that one pytest call can run every package's tests."""
