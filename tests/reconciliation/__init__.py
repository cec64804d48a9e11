"""Tests for server.reconciliation."""
