"""Klantapp core: encrypted casebook, domain rules, sync and letters. Imports no Qt."""

__version__ = "0.1.0"
