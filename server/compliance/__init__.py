"""Records behind the exclusion rules: penalties, integrity records, conflict declarations."""
