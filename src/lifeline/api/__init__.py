"""HTTP API: app factory, dependencies, problem+json errors, middleware, health and metrics."""
