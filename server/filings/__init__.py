"""Filings (申报材料): a site's claimed grades per industry and the indicator claims behind them."""
