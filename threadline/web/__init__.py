"""The web shell: the only Streamlit code besides `app_pages/` (resources, the session, permissions, page helpers)."""
