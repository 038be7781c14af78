"""Database defaults that settings need, kept free of SQLAlchemy imports.

``pdms_core.settings`` is read by every CLI command, ``pdms --help`` included; importing
the engine module for one number cost a third of a second of SQLAlchemy imports there.
"""

#: Connections the readers' pool (``Database.readers``) keeps open once it has opened
#: them, unless ``PDMS_READ_POOL_SIZE`` says otherwise (why 20: ``pdms_core.db.engine``).
READ_POOL_SIZE = 20
