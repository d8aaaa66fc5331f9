"""The tests of octobot-exchange-emulator: a package, so that one pytest call runs every package's tests."""
