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


# ------------------------------------------------------------------ Python's help topics


def read_help_topics(path) -> dict[str, str]:
    """Read the ``topics`` dictionary of a ``pydoc_data/topics.py`` file without running it.

    The file is parsed as Python source and only its literal ``topics = {...}`` assignment
    is evaluated (``ast.literal_eval``), so nothing in it is executed.
    """
    import ast
    from pathlib import Path

    from rnncourse.errors import DatasetError

    path = Path(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(target, ast.Name) and target.id == "topics" for target in targets):
            topics = ast.literal_eval(node.value)
            if isinstance(topics, dict) and topics and all(
                    isinstance(key, str) and isinstance(value, str)
                    for key, value in topics.items()):
                return topics
    raise DatasetError(f"{path} holds no literal `topics = {{...}}` dictionary of strings; it is "
                       "not Python's pydoc_data/topics.py.")


def _help_topics_text(path) -> str:
    topics = read_help_topics(path)
    return "\n\n".join(topics[name].strip("\n") for name in sorted(topics)) + "\n"


def _register_help_topics() -> None:
    from rnncourse.data.registry import REGISTRY, installed_package_file, register_dataset

    if "python_help_topics" not in REGISTRY:
        register_dataset("python_help_topics", reader=_help_topics_text,
                         packaged_path=installed_package_file("pydoc_data", "topics.py"))


_register_help_topics()


def python_help_topics(verbose: bool = True) -> str:
    """The text of Python's help topics (what ``help("assert")`` prints), about 465,000 characters.

    The topics come from the standard library's ``pydoc_data/topics.py``, read by path and
    joined in alphabetical order of topic, a blank line between two topics. The text
    differs a little between Python releases; ``verbose`` prints the version and the size.
    """
    import platform

    from rnncourse.data.registry import load

    text = load("python_help_topics", verbose=False)
    if verbose:
        print(f"Loaded Python {platform.python_version()}'s help topics: {len(text):,} "
              "characters, offline from the standard library (pydoc_data/topics.py).")
    return text
