"""Sync with the central office: the file formats (docs/sync-formats.md).

- :mod:`~klantapp.crypto.agefile` (shared with the vault): the age v1 layer (strict
  header check, pyrage);
- :mod:`~klantapp.sync.minisign`: minisign-format Ed25519 signatures;
- :mod:`~klantapp.sync.bundle`: the ``.kbundle`` file (manifest, signature, ops);
- :mod:`~klantapp.sync.card`: the office card, the enrolment request, fingerprints;
- :mod:`~klantapp.sync.roster`: the signed roster of devices;
- :mod:`~klantapp.sync.transport`: the folder transport;
- :mod:`~klantapp.sync.canonical`: canonical JSON and field checks shared by them.

These modules know nothing of the casebook.
"""
