"""The tests of octobot octobot: a package, so that one pytest call can run every package's tests."""
