"""The grading-inspection backend: web app, domain services and their models.

This package's ``__init__`` imports nothing, so the sync worker can use the domain services
without pulling in Flask.
"""
