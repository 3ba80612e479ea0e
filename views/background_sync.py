"""The dashboard's opt-in background sync: the setting (environment variable or Streamlit secret
`UNGA_SYNC_EVERY`, e.g. "24h") and the call every page view makes; `scraper.autosync` does the rest
(at most that often, one run at a time across sessions and processes, never blocking a reader)."""
from __future__ import annotations

import os
from datetime import timedelta

import streamlit as st

from scraper import autosync


def setting_text() -> str:
    """The raw setting: the environment variable first, else the Streamlit secret, else ""."""
    value = os.environ.get(autosync.SETTING)
    if value is None:
        try:
            value = st.secrets.get(autosync.SETTING)
        except Exception:  # no secrets file at all: the setting is simply off
            value = None
    return "" if value is None else str(value)


def interval() -> tuple[timedelta | None, str | None]:
    """(how often to sync, or None for never; why the setting was not understood, or None)."""
    try:
        return autosync.parse_interval(setting_text()), None
    except ValueError as error:
        return None, str(error)


def start_if_due(db: str) -> None:
    """Start a background sync when one is due; never raises (a deployed app keeps serving)."""
    every, _ = interval()
    if every is None:
        return
    try:
        autosync.start_if_due(db, every)
    except Exception as error:  # the lock or status file beside a read-only store: no sync, no crash
        print(f"background sync not started: {error!r}", flush=True)
