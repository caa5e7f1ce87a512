"""`make bench`: speed figures for Threadline, printed as a table (see bench/__main__.py)."""
