"""The library's error codes as Python exceptions.

Every call into libvmsim that fails raises a subclass of :class:`Error`
chosen by the library's code (``VMSIM_E*`` in include/vmsim/error.h).  The
exception carries the code's name, the library's message and, when the
message names a position (``file:line:col: ...``), that position.
"""

import re

from . import _lib


class Error(Exception):
    """A libvmsim call failed.

    Attributes: ``code`` (the negative VMSIM_E* value), ``name`` ("INVAL"),
    ``message`` (the library's words), ``file``, ``line``, ``column``
    (where the bad input is, or None).
    """

    def __init__(self, code, message=None, *, file=None, line=None, column=None):
        self.code = code
        self.name = _lib.vmsim_errname(code).decode()
        self.message = message or _lib.vmsim_strerror(code).decode()
        self.file, self.line, self.column = file, line, column
        super().__init__(self.message)


class OutOfMemory(Error):
    """The simulated machine ran out of memory (VMSIM_ENOMEM)."""


class HostMemoryError(Error, MemoryError):
    """The host could not give the simulator memory (VMSIM_ENOHOSTMEM)."""


class InvalidArgument(Error, ValueError):
    """The library refused an argument (VMSIM_EINVAL)."""


class OutOfRange(Error, ValueError):
    """A value is out of range (VMSIM_ERANGE)."""


class NonCanonical(Error, ValueError):
    """A non-canonical x86-64 address (VMSIM_ENONCANON)."""


class AlreadyMapped(Error):
    """The address range is already mapped (VMSIM_EEXIST)."""


class NotMapped(Error):
    """Nothing is mapped there (VMSIM_ENOENT)."""


class Misaligned(Error, ValueError):
    """An address is not aligned to its page size (VMSIM_EALIGN)."""


class ParseError(Error):
    """Bad input text: a trace, a scenario, a setting (VMSIM_EPARSE)."""


class InputOutputError(Error, OSError):
    """A host file could not be read or written (VMSIM_EIO)."""


class NotSupported(Error):
    """Not possible with this configuration (VMSIM_ENOTSUP)."""


class CheckFailed(Error):
    """An invariant of the machine does not hold (VMSIM_ECHECK)."""


class NoSuchProcess(Error, LookupError):
    """No such (live) process (VMSIM_ESRCH)."""


class BadFile(Error):
    """No such file handle (VMSIM_EBADF)."""


class PermissionDenied(Error, PermissionError):
    """Not allowed (VMSIM_EACCES)."""


class BadAddress(Error):
    """An access raised SIGSEGV in the middle of a copy (VMSIM_EFAULT)."""


class TryAgain(Error):
    """Temporarily unavailable (VMSIM_EAGAIN)."""


_BY_NAME = {
    "NOMEM": OutOfMemory, "NOHOSTMEM": HostMemoryError, "INVAL": InvalidArgument,
    "RANGE": OutOfRange, "NONCANON": NonCanonical, "EXIST": AlreadyMapped,
    "NOENT": NotMapped, "ALIGN": Misaligned, "PARSE": ParseError,
    "IO": InputOutputError, "NOTSUP": NotSupported, "CHECK": CheckFailed,
    "SRCH": NoSuchProcess, "BADF": BadFile, "ACCES": PermissionDenied,
    "FAULT": BadAddress, "AGAIN": TryAgain,
}

_POSITION = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)?")


def error_for(code, message=None):
    """The exception for library code @code (< 0) with @message."""
    cls = _BY_NAME.get(_lib.vmsim_errname(code).decode(), Error)
    pos = {}
    if message:
        m = _POSITION.match(message)
        if m:
            pos = dict(file=m["file"], line=int(m["line"]),
                       column=int(m["col"]) if m["col"] else None)
    return cls(code, message, **pos)


def check(code, message=None):
    """Raise the exception for @code if it is an error; return it otherwise."""
    if code < 0:
        raise error_for(code, message)
    return code


def _codes():
    codes = {}
    for code in range(-1, -64, -1):
        name = _lib.vmsim_errname(code).decode()
        if name == "UNKNOWN":
            break
        codes[code] = name
    return {name: code for code, name in codes.items()}


#: Every library error code by name: CODES["INVAL"] is VMSIM_EINVAL.
CODES = _codes()
