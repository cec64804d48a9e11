"""Reconciliation of plant data (CEMS, metering) with inspections."""
