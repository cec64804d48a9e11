"""filings resource."""
