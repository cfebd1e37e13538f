"""Tables and the repository of the monitoring context."""
