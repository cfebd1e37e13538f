"""Dispatch: response units and their status, recommendations, optimal assignment, move-up."""
