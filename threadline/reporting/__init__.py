"""Reporting: results in words, charts, tables and exports.

No Streamlit and no SQL: it reads stored data through `threadline.storage`.
"""
