"""Photo evidence: each photo received, its bytes in the media store, its checks and custody."""
