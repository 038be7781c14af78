"""PDMS core: the Person-Place-Problem graph and the host for department modules.

Plugin authors import from :mod:`pdms_core.plugin` only; everything else is private.
"""

__version__ = "0.1.0"
