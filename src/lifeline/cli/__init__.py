"""The ``lifeline`` command."""
