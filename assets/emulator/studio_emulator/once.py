"""The one install guard of the emulator's extensions (a leaf: imports nothing of the package).

Every extension module patches moto in an ``install()`` that server.install_extensions() calls;
``@install_once`` makes each patch happen once per process, however often it is called."""

from __future__ import annotations

import functools
from typing import Callable


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
