"""The chat app's process-wide parts, kept by Streamlit (`st.cache_resource`): one Helpdesk per configuration and
its background load, shared by every session and page of the process (app.py, helpdesk/insights_page.py)."""

from __future__ import annotations

import hashlib

import streamlit as st

from helpdesk.core import Helpdesk
from helpdesk.settings import Settings
from helpdesk.warmup import Loading


def _key(settings: Settings) -> str:
    # The whole configuration, as a digest: the settings hold the API key, which is never kept in the clear here.
    return hashlib.sha256(repr(settings).encode()).hexdigest()


@st.cache_resource(show_spinner=False)
def _helpdesk(key: str, _settings: Settings) -> Helpdesk:
    return Helpdesk.from_settings(_settings)


@st.cache_resource(show_spinner=False)
def _loading(key: str, _settings: Settings) -> Loading:
    return Loading(_helpdesk(key, _settings))


def helpdesk_for(settings: Settings) -> Helpdesk:
    """The process's Helpdesk for these settings (built on the first call: cheap, nothing loaded yet)."""
    return _helpdesk(_key(settings), settings)


def background_load(settings: Settings) -> Loading:
    """Started once per process, when the page first shows: the first docs question finds the index and the
    embedding model loaded instead of loading them."""
    return _loading(_key(settings), settings)
