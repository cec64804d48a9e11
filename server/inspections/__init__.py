"""Inspections: the checklists inspectors fill on site (the forms of ``inspection_forms``)."""
