"""The tests of octobot channel: a package, so that one pytest call can run every package's tests."""
