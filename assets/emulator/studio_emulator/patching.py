"""How the emulator's extensions patch moto (a leaf: imports nothing of the package).

Every extension module changes moto in an ``install()`` that server.install_extensions() calls:
``@install_once`` makes each install happen once per process, however often it is called, and
``patch()`` is the one way to put functions on moto's classes and modules (and the emulator's
state on moto's objects).
"""

from __future__ import annotations

import functools
from typing import Any, Callable


def install_once(install: Callable[[], None]) -> Callable[[], bool]:
    """Runs ``install``'s body on the first call only; each call answers whether it installed."""
    done = False

    @functools.wraps(install)
    def guarded() -> bool:
        nonlocal done
        if done:
            return False
        done = True
        install()
        return True

    return guarded


def patch(owner: Any, **attributes: Any) -> None:
    """Sets attributes moto's types do not declare (or declare otherwise): handlers, backend
    methods and properties on its classes and modules, the emulator's state on its objects.
    Replacing moto's own methods is the point of an extension, so this is deliberately not
    type-checked."""
    for name, value in attributes.items():
        setattr(owner, name, value)
