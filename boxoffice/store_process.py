"""The embedded store's process: nx-27017, private to its owner and tied to its parent's life.

``python -m boxoffice.store_process PARENT_PID NX_ARGS...`` sets up what a
``preexec_fn`` would and then runs nx-27017 in this same process.  A
``preexec_fn`` makes ``subprocess`` run the parent's at-fork hooks in the child,
and PyMongo's async client, asked to restart its monitors there, prints a
"no running event loop" traceback into the server's JSON log.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import runpy
import signal
import sys

_PR_SET_PDEATHSIG = 1
PRIVATE_UMASK = 0o077


def main() -> None:
    parent = int(sys.argv.pop(1))
    os.umask(PRIVATE_UMASK)  # the store's files: 0600, like the rest of the data directory
    with contextlib.suppress(OSError, AttributeError):
        # The kernel sends SIGTERM when the spawning thread dies, even by SIGKILL.
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        sys.exit("boxoffice store: the server that started this store is gone")
    runpy.run_module("nx_27017.nx_27017", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
