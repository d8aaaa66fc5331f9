"""Services (configured connections) and the service feeds that push what they say into the bot."""
