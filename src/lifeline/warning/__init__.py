"""Early warning: rules and detectors, warning levels, alarms and their lifecycle, risk map, impact
and cascades.
"""
