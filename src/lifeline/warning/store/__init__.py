"""Tables and the repository of the warning context."""
