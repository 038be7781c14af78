"""The background parser's process: ``python -m pdms_core.gazetteer.parser_process``.

Kept apart from background.py, which the package imports, so that running it as the
main module does not import it twice.
"""

import sys

from pdms_core.gazetteer.background import child_main

if __name__ == "__main__":
    child_main(sys.argv[1:])
