"""Keeptrusts: the governance layer between engineering teams and LLM providers."""

__version__ = "0.1.0"
