"""Built-in social evaluators: they evaluate the signals of the service feeds (news, Reddit, Telegram)."""
