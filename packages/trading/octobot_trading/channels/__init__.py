"""The data channels of an exchange manager."""
