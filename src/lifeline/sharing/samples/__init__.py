"""Small public samples shipped for the demo (see README.md for attribution)."""
