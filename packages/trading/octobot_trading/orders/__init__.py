"""Orders: kinds, the state machine, groups and trades."""
