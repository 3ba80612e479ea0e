"""Raise the web server's limit on a request's head, so a very long link opens the dashboard.

Streamlit serves the app with uvicorn's h11 protocol, which refuses a request whose head arrives in
pieces larger than 16 kB: a link with a 200,000-character query string then ends in a reset
connection, a browser error page instead of the dashboard's own notice ("The `k` parameter is
200,000 characters long; ignored it"). Streamlit offers no setting for it, so the first session
raises uvicorn's default for every connection opened after it. A server answers its first visitor
before any session has run: a link of more than 16 kB opened as the very first visit after a start
still meets the old limit (see README, "Public deployments").
"""
from __future__ import annotations

# Chromium sends addresses up to 2 MB; the dashboard ignores any parameter over 200 characters.
MAX_REQUEST_HEAD = 2 * 1024 * 1024


def raise_request_head_limit(limit: int = MAX_REQUEST_HEAD) -> bool:
    """Let uvicorn's h11 connections accept request heads of up to `limit` bytes; False when the
    server is not uvicorn's h11 (nothing to do)."""
    try:
        from uvicorn.protocols.http import h11_impl
    except ImportError:
        return False
    if getattr(h11_impl, "DEFAULT_MAX_INCOMPLETE_EVENT_SIZE", limit) < limit:
        h11_impl.DEFAULT_MAX_INCOMPLETE_EVENT_SIZE = limit
    return True


raise_request_head_limit()
