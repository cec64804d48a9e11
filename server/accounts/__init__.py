"""Accounts: users, their roles and county scope, password hashing and API tokens."""
