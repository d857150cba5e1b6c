"""vmsim from Python: simulated machines (MMU, page tables, TLBs, and a
Linux-like kernel with page faults, swap, copy-on-write and a page cache),
whole runs of traces and scenarios, reference-string mode, and real Linux
processes in the same terms.  docs/PYTHON.md is the guide.

    >>> import vmsim
    >>> with vmsim.System(ram="1G") as sys:
    ...     p = sys.process()
    ...     a = p.mmap(100 << 20)
    ...     p.touch(a, 100 << 20, write=True)["faults_minor"]
    25600
"""

from .errors import (CODES, AlreadyMapped, BadAddress, BadFile, CheckFailed, Error,
                     HostMemoryError, InputOutputError, InvalidArgument, Misaligned,
                     NonCanonical, NoSuchProcess, NotMapped, NotSupported, OutOfMemory,
                     OutOfRange, ParseError, PermissionDenied, TryAgain)
from .runs import inspect, paging, run, run_scenario, run_trace, translate
from .system import (MADV, MAP_ANONYMOUS, MAP_FIXED, MAP_HUGETLB, MAP_POPULATE, MAP_PRIVATE,
                     MAP_SHARED, PAGE_SIZE, PROT_EXEC, PROT_NONE, PROT_READ, PROT_WRITE, Config,
                     File, Process, System, counters)

__all__ = [
    "System", "Process", "File", "Config", "counters", "run", "run_trace", "run_scenario", "translate",
    "paging", "inspect", "Error", "OutOfMemory", "HostMemoryError", "InvalidArgument",
    "OutOfRange", "NonCanonical", "AlreadyMapped", "NotMapped", "Misaligned", "ParseError",
    "InputOutputError", "NotSupported", "CheckFailed", "NoSuchProcess", "BadFile",
    "PermissionDenied", "BadAddress", "TryAgain", "CODES", "PAGE_SIZE", "PROT_NONE",
    "PROT_READ", "PROT_WRITE", "PROT_EXEC", "MAP_SHARED", "MAP_PRIVATE", "MAP_FIXED",
    "MAP_ANONYMOUS", "MAP_POPULATE", "MAP_HUGETLB", "MADV",
]
