"""Assignments: the team of inspectors sent to check a filing on site, and what their tablets get."""
