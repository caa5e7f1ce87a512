"""Threadline: a social-business maturity assessment (storage and links)."""
