"""Shared test settings."""

import logging

logging.getLogger("MESA").setLevel(logging.WARNING)
