"""Built-in interfaces (declared as entry points of the octobot distribution)."""
