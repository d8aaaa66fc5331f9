"""Built-in notifiers (declared as entry points of the octobot distribution)."""
