"""Incidents: intake and merging, classification, grading I-IV, lifecycle, timeline, situation
reports.
"""
