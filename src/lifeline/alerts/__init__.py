"""Public warnings: CAP 1.2 alerts, identifiers, colour levels, authoring and approval."""
