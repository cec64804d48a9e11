"""Sampling: which filings of a review batch get an on-site check (rule 12), reproducibly."""
