"""Tables and the repository of the plans context."""
