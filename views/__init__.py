"""The dashboard's pages (one module each) and what they share: URL state, controls, cached data, charts."""
