"""Shared kernel: ids, clock, errors, geo values, events, bus, unit of work and the event log."""
