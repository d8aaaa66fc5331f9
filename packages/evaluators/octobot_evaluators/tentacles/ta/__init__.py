"""Built-in technical evaluators."""
