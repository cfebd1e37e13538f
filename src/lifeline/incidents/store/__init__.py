"""Tables and the repository of the incidents context."""
