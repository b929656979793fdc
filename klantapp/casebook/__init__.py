"""The casebook: schema, the one write path, queries, search, deadlines, JSON exchange."""

from klantapp.casebook.casebook import Casebook, Transaction

__all__ = ["Casebook", "Transaction"]
