"""The plant registry: enterprises, their sites, production lines, CEMS points and vehicle gates."""
