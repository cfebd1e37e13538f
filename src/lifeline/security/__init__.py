"""Identities, authentication, roles, scoped permissions and the personal-data rules."""
