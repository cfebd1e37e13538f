"""Monitoring: sensors on the OGC SensorThings model, observation ingest (HTTP batch, MQTT), device
health.
"""
