"""Loading libvmsim and declaring the C functions the package calls.

The library is found, in this order, at the path in the environment
variable VMSIM_LIBRARY, in the build directory of the source tree this
package sits in (../../build), at the path an installation recorded in
_install_paths.py (cmake --install writes it), and by the system's library
search.  Only functions of the public headers
(include/vmsim/*.h) are used.
"""

import ctypes
import ctypes.util
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("VMSIM_LIBRARY")
    if env:
        yield env
        return
    for name in ("libvmsim.so.0", "libvmsim.so"):
        yield os.path.normpath(os.path.join(_HERE, "..", "..", "build", name))
    try:
        from . import _install_paths  # written by cmake --install
        yield _install_paths.LIBRARY
    except ImportError:
        pass
    found = ctypes.util.find_library("vmsim")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise ImportError(
        "vmsim: cannot find libvmsim.so (build it with 'make', or set "
        "VMSIM_LIBRARY to its path); tried: " + ", ".join(tried))


lib = _load()

c_u64 = ctypes.c_uint64
c_u32 = ctypes.c_uint32
c_int = ctypes.c_int
c_bool = ctypes.c_bool
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
c_size = ctypes.c_size_t
P = ctypes.POINTER


class AccessResult(ctypes.Structure):
    """struct vmsim_access_result (include/vmsim/vm.h)."""
    _fields_ = [
        ("faults_minor", ctypes.c_uint),
        ("faults_major", ctypes.c_uint),
        ("killed", c_bool),
        ("segv", c_bool),
        ("reason", c_int),
        ("segv_addr", c_u64),
        ("pa", c_u64),
    ]


class RangeResult(ctypes.Structure):
    """struct vmsim_range_result (include/vmsim/script.h)."""
    _fields_ = [
        ("accesses", c_u64),
        ("faults_minor", c_u64),
        ("faults_major", c_u64),
        ("segvs", c_u64),
        ("killed", c_bool),
    ]


class VaLevel(ctypes.Structure):
    """struct vmsim_va_level (include/vmsim/mmu.h)."""
    _fields_ = [
        ("name", c_char_p),
        ("level", ctypes.c_uint),
        ("hi", ctypes.c_uint),
        ("lo", ctypes.c_uint),
        ("index", ctypes.c_uint),
    ]


class VaSplit(ctypes.Structure):
    """struct vmsim_va_split (include/vmsim/mmu.h)."""
    _fields_ = [
        ("va", c_u64),
        ("levels", ctypes.c_uint),
        ("ps", c_int),
        ("va_bits", ctypes.c_uint),
        ("offset_bits", ctypes.c_uint),
        ("offset", c_u64),
        ("vpn", c_u64),
        ("nlevels", ctypes.c_uint),
        ("level", VaLevel * 5),
    ]


class StatDesc(ctypes.Structure):
    """struct vmsim_stat_desc (include/vmsim/stats_table.h): one counter."""
    _fields_ = [
        ("field", c_char_p),
        ("offset", c_size),
        ("type", c_int),
        ("unit", c_int),
        ("kind", c_int),
        ("common", c_bool),
        ("json", c_char_p),
        ("figure", c_char_p),
        ("csv", c_char_p),
        ("section", c_int),
        ("label", c_char_p),
        ("doc", c_char_p),
    ]


def _fn(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


# errors
vmsim_strerror = _fn("vmsim_strerror", c_char_p, c_int)
vmsim_errname = _fn("vmsim_errname", c_char_p, c_int)

# configurations and systems (script.h, vm.h)
vmsim_config_new = _fn("vmsim_config_new", c_void_p)
vmsim_config_free = _fn("vmsim_config_free", None, c_void_p)
vmsim_config_set = _fn("vmsim_config_set", c_int, c_void_p, c_char_p, c_char_p,
                       c_char_p, c_size)
vmsim_config_problem = _fn("vmsim_config_problem", c_char_p, c_void_p)
vmsim_system_new = _fn("vmsim_system_new", c_int, c_void_p, P(c_void_p))
vmsim_system_free = _fn("vmsim_system_free", None, c_void_p)
vmsim_check = _fn("vmsim_check", c_int, c_void_p, c_char_p, c_size)

# processes and system calls
vmsim_process_create = _fn("vmsim_process_create", c_int, c_void_p, P(c_int))
vmsim_exec_layout = _fn("vmsim_exec_layout", c_int, c_void_p, c_int, c_u64, c_u64, c_u64)
vmsim_fork = _fn("vmsim_fork", c_int, c_void_p, c_int, P(c_int))
vmsim_exit = _fn("vmsim_exit", c_int, c_void_p, c_int)
vmsim_process_alive = _fn("vmsim_process_alive", c_bool, c_void_p, c_int)
vmsim_mmap = _fn("vmsim_mmap", c_int, c_void_p, c_int, c_u64, c_u64, c_int, c_int, c_int,
                 c_u64, P(c_u64))
vmsim_munmap = _fn("vmsim_munmap", c_int, c_void_p, c_int, c_u64, c_u64)
vmsim_mprotect = _fn("vmsim_mprotect", c_int, c_void_p, c_int, c_u64, c_u64, c_int)
vmsim_madvise = _fn("vmsim_madvise", c_int, c_void_p, c_int, c_u64, c_u64, c_int)
vmsim_msync = _fn("vmsim_msync", c_int, c_void_p, c_int, c_u64, c_u64, c_int)
vmsim_brk = _fn("vmsim_brk", c_int, c_void_p, c_int, c_u64, P(c_u64))
vmsim_file_open = _fn("vmsim_file_open", c_int, c_void_p, c_char_p, c_bool, P(c_int))
vmsim_file_create_virtual = _fn("vmsim_file_create_virtual", c_int, c_void_p, c_u64, P(c_int))
vmsim_file_close = _fn("vmsim_file_close", c_int, c_void_p, c_int)

# accesses
vmsim_access = _fn("vmsim_access", c_int, c_void_p, c_int, c_u64, c_u32, c_int,
                   P(AccessResult))
vmsim_access_range = _fn("vmsim_access_range", c_int, c_void_p, c_int, c_u64, c_u64, c_u64,
                         c_u32, c_int, P(RangeResult))
vmsim_load = _fn("vmsim_load", c_int, c_void_p, c_int, c_u64, c_void_p, c_size)
vmsim_store = _fn("vmsim_store", c_int, c_void_p, c_int, c_u64, c_void_p, c_size)
vmsim_va_split = _fn("vmsim_va_split", c_int, c_u64, ctypes.c_uint, c_int, P(VaSplit))

# JSON documents and whole runs (script.h)
vmsim_string_free = _fn("vmsim_string_free", None, c_void_p)
vmsim_sys_stat_table = _fn("vmsim_sys_stat_table", P(StatDesc), P(c_size))
vmsim_proc_stat_table = _fn("vmsim_proc_stat_table", P(StatDesc), P(c_size))
vmsim_report_json = _fn("vmsim_report_json", c_int, c_void_p, c_bool, c_char_p, P(c_void_p))
vmsim_run_trace_json = _fn("vmsim_run_trace_json", c_int, c_void_p, c_char_p, P(c_void_p),
                           c_char_p, c_size)
vmsim_run_scenario_json = _fn("vmsim_run_scenario_json", c_int, c_char_p, P(c_char_p),
                              P(c_void_p), P(ctypes.c_uint), P(ctypes.c_uint), c_char_p,
                              c_size)
vmsim_inspect_json = _fn("vmsim_inspect_json", c_int, c_int, c_bool, P(c_void_p), c_char_p,
                         c_size)
vmsim_paging_misses = _fn("vmsim_paging_misses", c_int, P(c_u64), c_size, c_char_p, P(c_u64),
                          c_size, P(c_u64), c_char_p, c_size)


def take_string(ptr):
    """The text of a C string returned by the library, which is then freed."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8", "replace")
    finally:
        vmsim_string_free(ptr)
