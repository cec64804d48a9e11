"""Reviewer pages: server-rendered, in Chinese by default with an English switch."""
