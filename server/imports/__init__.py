"""Spreadsheet imports: the bureau's application list, checked row by row, all or nothing."""
