"""Direct engine tests: one whole transcript (replies, buttons, effects) per field kind."""
