"""Keep the caseload and the passphrase out of crash dumps.

While a casebook is open, the whole caseload is decrypted in this process's memory,
and the passphrase passes through it. A core dump (Linux, macOS) or a Windows Error
Reporting dump would write that memory to disk in plaintext. :func:`disable_crash_dumps`
runs first thing in every entry point (``klantapp``, ``klantappw``):

- Linux and macOS: ``RLIMIT_CORE`` 0, so no core file is written;
- Linux: ``prctl(PR_SET_DUMPABLE, 0)``, so systemd-coredump and similar handlers get
  nothing either, and other processes of the same user cannot read our memory
  through ``/proc`` or ``ptrace``;
- Windows: no error dialog that invites sending a report (``SetErrorMode``) and no
  heap in Windows Error Reporting dumps (``WerSetFlags(WER_FAULT_REPORTING_FLAG_NOHEAP)``).
  (Excluding the program from WER altogether needs a registry entry for the user;
  an installer can add that, the program does not change the registry.)

What this cannot prevent: the operating system writing memory to the swap file or
the hibernation file. Only full-disk encryption (BitLocker, FileVault, LUKS) covers
those; the README asks for it.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys

PR_GET_DUMPABLE = 3
PR_SET_DUMPABLE = 4
_SEM_FAILCRITICALERRORS = 0x0001
_SEM_NOGPFAULTERRORBOX = 0x0002
_SEM_NOOPENFILEERRORBOX = 0x8000
_WER_FAULT_REPORTING_FLAG_NOHEAP = 0x1


def disable_crash_dumps() -> list[str]:
    """Best effort, never fails; returns what it could switch off (for the tests)."""
    done: list[str] = []
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        done += _windows()
        return done
    import resource

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        done.append("RLIMIT_CORE=0")
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0:
                done.append("PR_SET_DUMPABLE=0")
    return done


def _windows() -> list[str]:  # pragma: no cover - exercised on Windows only
    done: list[str] = []
    with contextlib.suppress(OSError, AttributeError):
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
        wanted = _SEM_FAILCRITICALERRORS | _SEM_NOGPFAULTERRORBOX | _SEM_NOOPENFILEERRORBOX
        previous = kernel32.SetErrorMode(wanted)
        kernel32.SetErrorMode(previous | wanted)
        done.append("SetErrorMode")
        if kernel32.WerSetFlags(_WER_FAULT_REPORTING_FLAG_NOHEAP) == 0:  # S_OK
            done.append("WerSetFlags(NOHEAP)")
    return done
