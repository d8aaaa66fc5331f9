"""Built-in tentacles of octobot-evaluators (declared as entry points in the group ``octobot.tentacles``)."""
