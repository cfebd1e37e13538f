"""Tables and the repository of the dispatch context."""
