"""Gazetteer import: AddressBase Plus and Premium, LLPG DTF 7.3 and a simple CSV.

``import_gazetteer(database, path, fmt)`` loads one file into ``place`` in a single
transaction through the database's bulk path; see docs/gazetteer.md for the formats,
what each change type does, and how retired UPRNs move people's current addresses.
"""
