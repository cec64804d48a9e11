"""Review: batches, jurisdiction rules, the filing workflow (S4 §三) and its deadlines."""
