"""Small English texts that ship with Python itself, so character models train offline.

The notebooks need a little real English without a download. Python carries one: the
``this`` module holds "The Zen of Python" by Tim Peters, stored ROT13-encoded in
``this.s`` (``import this`` decodes and prints it).
"""

from __future__ import annotations

import codecs
import contextlib
import io


def zen_of_python() -> str:
    """The Zen of Python (PEP 20) as plain text, decoded from the ``this`` module."""
    with contextlib.redirect_stdout(io.StringIO()):  # importing `this` prints the poem
        import this
    return codecs.decode(this.s, "rot13")
