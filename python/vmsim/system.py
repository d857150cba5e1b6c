"""Simulated machines and their processes.

A :class:`System` is one simulated machine (RAM, a CPU with its MMU, swap)
and its kernel; a :class:`Process` is one of its processes.  Both wrap
handles of libvmsim; a System frees its machine when closed, when its
``with`` block ends, or when it is garbage-collected.
"""

import collections
import ctypes
import json

from . import _lib
from .errors import CODES, check, error_for

PAGE_SIZE = 4096

PROT_NONE, PROT_READ, PROT_WRITE, PROT_EXEC = 0x0, 0x1, 0x2, 0x4
MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS = 0x01, 0x02, 0x10, 0x20
MAP_NORESERVE, MAP_POPULATE, MAP_FIXED_NOREPLACE = 0x4000, 0x8000, 0x100000
MAP_HUGETLB, MAP_HUGE_2MB, MAP_HUGE_1GB = 0x40000, 21 << 26, 30 << 26
MADV = {"normal": 0, "random": 1, "sequential": 2, "willneed": 3, "dontneed": 4,
        "hugepage": 14, "nohugepage": 15}
MS_ASYNC, MS_INVALIDATE, MS_SYNC = 1, 2, 4

_KINDS = {"read": 0, "write": 1, "exec": 2, "fetch": 2}

# The words a few yes/no settings use instead of on/off (docs/SCENARIOS.md).
_BOOL_WORDS = {"segv": ("kill", "record"), "oom": ("kill", "off")}

pmem = collections.namedtuple("pmem", "rss vms shared text lib data dirty")
pfullmem = collections.namedtuple("pfullmem", "rss vms shared text lib data dirty uss pss swap")


def _prot(prot):
    if isinstance(prot, int) and not isinstance(prot, bool):
        return prot
    if not isinstance(prot, str):
        raise TypeError("prot must be a string such as 'rw' or an int, not %s"
                        % type(prot).__name__)
    bits = {"r": PROT_READ, "w": PROT_WRITE, "x": PROT_EXEC, "-": 0}
    value = 0
    for ch in prot:
        if ch not in bits:
            raise ValueError("prot %r: expected letters r, w, x (or '-')" % prot)
        value |= bits[ch]
    return value


def _uint(name, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, not %s" % (name, type(value).__name__))
    if value < 0 or value >= 1 << 64:
        raise ValueError("%s must be between 0 and 2**64 - 1, not %d" % (name, value))
    return value


def _kind(kind):
    if kind not in _KINDS:
        raise ValueError("kind %r: expected 'read', 'write' or 'exec'" % (kind,))
    return _KINDS[kind]


def _setting_text(key, value):
    if isinstance(value, bool):
        yes, no = _BOOL_WORDS.get(key, ("on", "off"))
        return yes if value else no
    if isinstance(value, (int, float, str)):
        return str(value)
    raise TypeError("setting %s: expected a str, int, float or bool, not %s"
                    % (key, type(value).__name__))



_UNITS = ("count", "pages", "bytes", "flag", "seconds", "ratio")


def counters(scope="system"):
    """The counter table (include/vmsim/stats_table.h) of @scope, "system"
    or "process": one dict per counter, in the report's order, with its
    field, unit, kind ("cumulative" or "now"), JSON path (in the report's
    "system" object or process object), scenario figure name, CSV column
    (or None) and description."""
    if scope not in ("system", "process"):
        raise ValueError("scope must be 'system' or 'process', not %r" % (scope,))
    n = ctypes.c_size_t()
    fn = _lib.vmsim_sys_stat_table if scope == "system" else _lib.vmsim_proc_stat_table
    rows = fn(ctypes.byref(n))
    out = []
    for i in range(n.value):
        d = rows[i]
        out.append({
            "field": d.field.decode(),
            "unit": _UNITS[d.unit],
            "kind": "cumulative" if d.kind == 0 else "now",
            "json": d.json.decode(),
            "figure": d.figure.decode(),
            "csv": d.csv.decode() if d.csv else None,
            "doc": d.doc.decode(),
        })
    return out


def _counter(obj, scope, figure):
    """The value of the counter named @figure (its scenario figure name, or
    its JSON path) in the report object @obj."""
    for c in counters(scope):
        if figure in (c["figure"], c["json"]):
            v = obj
            for part in c["json"].split("."):
                v = v[part]
            return v
    raise KeyError("no %s counter named %r" % (scope, figure))

class Config:
    """A machine configuration built from settings by name (the keys of a
    scenario's ``machine`` line: ram, swap, cpu, levels, policy, thp, data,
    ...).  Values are written as on the command line ("1G") or as Python
    ints and bools."""

    def __init__(self, **settings):
        self._ptr = _lib.vmsim_config_new()
        if not self._ptr:
            raise MemoryError("vmsim: no host memory for a configuration")
        for key, value in settings.items():
            self.set(key, value)

    def set(self, key, value):
        """Set one setting; InvalidArgument (a ValueError) if it is refused."""
        if not isinstance(key, str):
            raise TypeError("a setting's name is a str")
        why = ctypes.create_string_buffer(512)
        rc = _lib.vmsim_config_set(self._ptr, key.encode(), _setting_text(key, value).encode(),
                                   why, len(why))
        if rc < 0:
            raise error_for(rc, "%s=%s: %s" % (key, value, why.value.decode()))

    def close(self):
        if self._ptr:
            _lib.vmsim_config_free(self._ptr)
            self._ptr = None

    def __del__(self):
        self.close()


class File:
    """A file the machine can map: a host file or a virtual one."""

    def __init__(self, system, fd, path):
        self.system, self.fd, self.path = system, fd, path

    def close(self):
        """Close the handle; mappings of the file keep it alive."""
        if self.fd is not None:
            fd, self.fd = self.fd, None
            check(_lib.vmsim_file_close(self.system._handle(), fd))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Process:
    """One process of a :class:`System`, named by its pid."""

    def __init__(self, system, pid):
        self.system, self.pid = system, pid

    def __repr__(self):
        return "<vmsim.Process pid=%d%s>" % (self.pid, "" if self.alive else " (exited)")

    def _h(self):
        return self.system._handle()

    @property
    def alive(self):
        """Whether the process is still running."""
        return bool(_lib.vmsim_process_alive(self._h(), self.pid))

    def fork(self):
        """fork(): a child sharing every private page copy-on-write."""
        child = ctypes.c_int()
        check(_lib.vmsim_fork(self._h(), self.pid, ctypes.byref(child)))
        return Process(self.system, child.value)

    def exit(self):
        """exit(): free every page, page table and VMA of the process."""
        check(_lib.vmsim_exit(self._h(), self.pid))

    def mmap(self, length, prot="rw", *, shared=False, file=None, offset=0, addr=0,
             fixed=False, populate=False, flags=0):
        """mmap(): map @length bytes, anonymous unless @file (a :class:`File`)
        is given; returns the address.  @prot is 'r', 'rw', 'rx'... or an int."""
        _uint("length", length)
        _uint("offset", offset)
        _uint("addr", addr)
        f = flags | (MAP_SHARED if shared else MAP_PRIVATE)
        if file is None:
            f |= MAP_ANONYMOUS
            fd = -1
        elif isinstance(file, File):
            if file.fd is None:
                raise ValueError("the file is closed")
            fd = file.fd
        else:
            raise TypeError("file must be a vmsim.File (System.open_file), not %s"
                            % type(file).__name__)
        if fixed:
            f |= MAP_FIXED
        if populate:
            f |= MAP_POPULATE
        out = ctypes.c_uint64()
        check(_lib.vmsim_mmap(self._h(), self.pid, addr, length, _prot(prot), f, fd, offset,
                              ctypes.byref(out)))
        return out.value

    def munmap(self, addr, length):
        """munmap() of [addr, addr+length)."""
        check(_lib.vmsim_munmap(self._h(), self.pid, _uint("addr", addr), _uint("length", length)))

    def mprotect(self, addr, length, prot):
        """mprotect(): new protections for [addr, addr+length)."""
        check(_lib.vmsim_mprotect(self._h(), self.pid, _uint("addr", addr),
                                  _uint("length", length), _prot(prot)))

    def madvise(self, addr, length, advice):
        """madvise() with advice 'dontneed', 'hugepage', 'sequential', ... or an int."""
        if isinstance(advice, str):
            if advice.lower() not in MADV:
                raise ValueError("advice %r: expected one of %s" % (advice, ", ".join(MADV)))
            advice = MADV[advice.lower()]
        check(_lib.vmsim_madvise(self._h(), self.pid, _uint("addr", addr),
                                 _uint("length", length), advice))

    def msync(self, addr, length, flags=MS_SYNC):
        """msync(): write dirty shared file pages of the range back."""
        check(_lib.vmsim_msync(self._h(), self.pid, _uint("addr", addr),
                               _uint("length", length), flags))

    def brk(self, addr):
        """brk(): ask for a program break; returns the break in effect."""
        out = ctypes.c_uint64()
        check(_lib.vmsim_brk(self._h(), self.pid, _uint("addr", addr), ctypes.byref(out)))
        return out.value

    def access(self, addr, size=1, kind="read"):
        """One access (a load, store or fetch) of @size bytes; returns what it
        did as a dict (faults_minor, faults_major, segv, killed, pa, ...)."""
        r = _lib.AccessResult()
        check(_lib.vmsim_access(self._h(), self.pid, _uint("addr", addr), size, _kind(kind),
                                ctypes.byref(r)))
        return {"faults_minor": r.faults_minor, "faults_major": r.faults_major,
                "segv": r.segv, "killed": r.killed, "segv_addr": r.segv_addr, "pa": r.pa}

    def touch(self, addr, length, *, write=False, stride=PAGE_SIZE, size=1, kind=None):
        """One access every @stride bytes of [addr, addr+length), in C: the
        fast way to touch many pages.  Returns the sums as a dict."""
        k = _kind(kind) if kind is not None else (1 if write else 0)
        r = _lib.RangeResult()
        rc = _lib.vmsim_access_range(self._h(), self.pid, _uint("addr", addr),
                                     _uint("length", length), _uint("stride", stride), size, k,
                                     ctypes.byref(r))
        check(rc)
        return {"accesses": r.accesses, "faults_minor": r.faults_minor,
                "faults_major": r.faults_major, "segvs": r.segvs, "killed": r.killed}

    def read(self, addr, n):
        """Data mode: @n bytes of the process's memory at @addr."""
        buf = ctypes.create_string_buffer(_uint("n", n))
        check(_lib.vmsim_load(self._h(), self.pid, _uint("addr", addr), buf, n))
        return buf.raw

    def write(self, addr, data):
        """Data mode: store the bytes @data at @addr."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError("data must be bytes-like, not %s" % type(data).__name__)
        raw = bytes(data)
        check(_lib.vmsim_store(self._h(), self.pid, _uint("addr", addr), raw, len(raw)))

    def stats(self):
        """The process's counters, as the JSON report's process object names
        them (vm_size, rss, rss_anon, pss, uss, faults_minor, cow_copies...)."""
        for p in self.system.report()["processes"]:
            if p["pid"] == self.pid:
                return p
        raise error_for(CODES["SRCH"], "no process %d" % self.pid)

    def counter(self, name):
        """One of its counters by scenario figure name ("cow.copies",
        "rss.anon") or JSON name ("cow_copies"); KeyError if there is none."""
        return _counter(self.stats(), "process", name)

    def memory_info(self):
        """psutil's memory_info() in simulation: rss and vms in bytes, shared
        (file and shared-memory pages); text/lib/data/dirty are not modelled
        apart and are 0."""
        s = self.stats()
        return pmem(s["rss"], s["vm_size"], s["rss_file"] + s["rss_shmem"], 0, 0, 0, 0)

    def memory_full_info(self):
        """psutil's memory_full_info(): memory_info() plus uss, pss and swap."""
        s = self.stats()
        return pfullmem(s["rss"], s["vm_size"], s["rss_file"] + s["rss_shmem"], 0, 0, 0, 0,
                        s["uss"], s["pss"], s["swap"])


class System:
    """One simulated machine and its kernel.

    ``System(ram="1G", swap="1G", cpu="skylake", thp="madvise",
    policy="clock", data=True, ...)``: every keyword is a machine setting by
    its scenario name (docs/SCENARIOS.md).  Use it in a ``with`` block or
    call :meth:`close`; it is also freed at garbage collection.
    """

    def __init__(self, **settings):
        cfg = Config(**settings)
        try:
            h = ctypes.c_void_p()
            rc = _lib.vmsim_system_new(cfg._ptr, ctypes.byref(h))
            if rc < 0:
                why = _lib.vmsim_config_problem(cfg._ptr)
                raise error_for(rc, "cannot build the machine: %s"
                                % (why.decode() if why else _lib.vmsim_strerror(rc).decode()))
            self._ptr = h.value
        finally:
            cfg.close()
        self.settings = dict(settings)

    def _handle(self):
        if not getattr(self, "_ptr", None):
            raise ValueError("this vmsim.System is closed")
        return self._ptr

    def close(self):
        """Free the machine (its processes and files go with it)."""
        if getattr(self, "_ptr", None):
            _lib.vmsim_system_free(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    @property
    def closed(self):
        return not getattr(self, "_ptr", None)

    def process(self, *, text=0, data=0, stack=0):
        """A new process with an empty address space, or, given sizes, laid
        out like a freshly executed program (text, data, heap, stack)."""
        pid = ctypes.c_int()
        check(_lib.vmsim_process_create(self._handle(), ctypes.byref(pid)))
        if text or data or stack:
            check(_lib.vmsim_exec_layout(self._handle(), pid.value, _uint("text", text),
                                         _uint("data", data), _uint("stack", stack)))
        return Process(self, pid.value)

    def open_file(self, path, writable=False):
        """A host file to map (read-write if @writable)."""
        if not isinstance(path, (str, bytes)):
            raise TypeError("path must be a str")
        p = path.encode() if isinstance(path, str) else path
        fd = ctypes.c_int()
        check(_lib.vmsim_file_open(self._handle(), p, bool(writable), ctypes.byref(fd)))
        return File(self, fd.value, path)

    def virtual_file(self, size):
        """A file of @size bytes that exists only in the simulation."""
        fd = ctypes.c_int()
        check(_lib.vmsim_file_create_virtual(self._handle(), _uint("size", size),
                                             ctypes.byref(fd)))
        return File(self, fd.value, None)

    def report(self, smaps=False):
        """The whole JSON report (docs/FORMATS.md) as a dict."""
        ptr = ctypes.c_void_p()
        check(_lib.vmsim_report_json(self._handle(), bool(smaps), None, ctypes.byref(ptr)))
        return json.loads(_lib.take_string(ptr.value))

    def stats(self):
        """The system counters: the JSON report's "system" object."""
        return self.report()["system"]

    def counter(self, name):
        """One system counter by its scenario figure name ("swap.outs",
        "mem.free") or JSON path ("frames.free"), as the JSON report has it
        (pages stay pages); KeyError if there is none."""
        return _counter(self.stats(), "system", name)

    def check(self):
        """Check every invariant of the machine; CheckFailed if one is broken."""
        why = ctypes.create_string_buffer(512)
        rc = _lib.vmsim_check(self._handle(), why, len(why))
        if rc < 0:
            raise error_for(rc, why.value.decode())
