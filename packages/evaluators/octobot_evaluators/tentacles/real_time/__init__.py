"""Built-in real-time evaluators."""
