"""Cryptographic file formats shared by the vault and sync, with no knowledge of either.

- :mod:`~klantapp.crypto.agefile`: the age v1 layer (strict header check, pyrage): the
  vault's recovery keys and the sync bundles are age keys and files.

``klantapp/vault`` and ``klantapp/casebook`` import this package, never
``klantapp/sync`` (tests/test_import_direction.py).
"""
