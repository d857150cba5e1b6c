"""Whole runs and one-shot tools: traces, scenarios, address splits,
reference-string mode, and real Linux processes."""

import ctypes
import json
import os

from . import _lib
from .errors import check, error_for
from .system import Config

_PAGE_SIZES = {"4K": 0, "2M": 1, "1G": 2, 4096: 0, 2 << 20: 1, 1 << 30: 2}


def _why():
    return ctypes.create_string_buffer(1024)


def _path(path):
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, str):
        raise TypeError("expected a path (str), not %s" % type(path).__name__)
    return path


def run_trace(path, **settings):
    """Replay the trace file @path (lackey, ChampSim or vmsim format,
    compressed or not) on a machine built from @settings; returns the JSON
    report (docs/FORMATS.md) as a dict."""
    p = _path(path)
    cfg = Config(**settings)
    try:
        ptr, why = ctypes.c_void_p(), _why()
        rc = _lib.vmsim_run_trace_json(cfg._ptr, p.encode(), ctypes.byref(ptr), why, len(why))
        if rc < 0:
            raise error_for(rc, why.value.decode() or None)
        return json.loads(_lib.take_string(ptr.value))
    finally:
        cfg.close()


def run_scenario(what, **settings):
    """Run a built-in scenario by name (``vmsim scenarios`` lists them) or a
    scenario file, with @settings applied after its own ``machine`` line.
    Returns the JSON report of its machine at the end, with the keys
    "expects" and "expects_failed" added."""
    w = _path(what)
    texts = ["%s=%s" % (k, _bool(k, v)) for k, v in settings.items()]
    arr = (ctypes.c_char_p * (len(texts) + 1))(*[t.encode() for t in texts], None)
    ptr, why = ctypes.c_void_p(), _why()
    expects, failed = ctypes.c_uint(), ctypes.c_uint()
    rc = _lib.vmsim_run_scenario_json(w.encode(), arr, ctypes.byref(ptr), ctypes.byref(expects),
                                      ctypes.byref(failed), why, len(why))
    if rc < 0:
        raise error_for(rc, why.value.decode() or None)
    doc = json.loads(_lib.take_string(ptr.value))
    doc["expects"], doc["expects_failed"] = expects.value, failed.value
    return doc


def _bool(key, value):
    from .system import _setting_text
    return _setting_text(key, value)


def run(what, **settings):
    """Run @what: a scenario (a built-in name or a .vms file) or a trace
    file.  Returns its JSON report as a dict."""
    w = _path(what)
    if w.endswith(".vms") or not os.path.exists(w):
        return run_scenario(w, **settings)
    return run_trace(w, **settings)


def translate(addr, levels=4, page_size="4K"):
    """How the page walker splits @addr: a dict with the page offset, the
    page number and one (name, index, bits) entry per table level."""
    if isinstance(addr, bool) or not isinstance(addr, int):
        raise TypeError("addr must be an int")
    if not 0 <= addr < 1 << 64:
        raise ValueError("addr must be a 64-bit address")
    if levels not in (4, 5):
        raise ValueError("levels must be 4 or 5")
    if page_size not in _PAGE_SIZES:
        raise ValueError("page_size must be '4K', '2M' or '1G'")
    s = _lib.VaSplit()
    check(_lib.vmsim_va_split(addr, levels, _PAGE_SIZES[page_size], ctypes.byref(s)))
    return {
        "address": s.va, "levels": s.levels, "va_bits": s.va_bits,
        "offset_bits": s.offset_bits, "offset": s.offset, "page_number": s.vpn,
        "tables": [{"name": s.level[i].name.decode(), "level": s.level[i].level,
                    "bits": (s.level[i].hi, s.level[i].lo), "index": s.level[i].index}
                   for i in range(s.nlevels)],
    }


def paging(refs, policy="lru", frames=(1,)):
    """Reference-string mode: the misses of replacement policy @policy over
    the page numbers @refs with each frame count in @frames (an int or an
    iterable).  Returns {frames: misses}.  LRU gives every size from one
    pass over the references."""
    if isinstance(frames, int) and not isinstance(frames, bool):
        frames = [frames]
    sizes = list(frames)
    for f in sizes:
        if isinstance(f, bool) or not isinstance(f, int):
            raise TypeError("frame counts are ints")
        if f < 1:
            raise ValueError("a frame count must be at least 1")
    if not isinstance(policy, str):
        raise TypeError("policy is a name such as 'lru'")
    try:
        n = len(refs)
    except TypeError:
        refs = list(refs)
        n = len(refs)
    r = (ctypes.c_uint64 * n)()
    try:
        r[:] = refs
    except TypeError:
        raise TypeError("references are page numbers (ints)") from None
    f = (ctypes.c_uint64 * len(sizes))(*sizes)
    out = (ctypes.c_uint64 * len(sizes))()
    why = _why()
    rc = _lib.vmsim_paging_misses(r, n, policy.encode(), f, len(sizes), out, why, len(why))
    if rc < 0:
        raise error_for(rc, why.value.decode() or None)
    return dict(zip(sizes, list(out)))


def inspect(pid=None, maps=False):
    """A real Linux process (default: this one) read from /proc, in the
    JSON terms of ``vmsim inspect --json``: rss, pss, uss, faults, ..."""
    if pid is None:
        pid = os.getpid()
    if isinstance(pid, bool) or not isinstance(pid, int):
        raise TypeError("pid must be an int")
    ptr, why = ctypes.c_void_p(), _why()
    rc = _lib.vmsim_inspect_json(pid, bool(maps), ctypes.byref(ptr), why, len(why))
    if rc < 0:
        raise error_for(rc, why.value.decode() or None)
    return json.loads(_lib.take_string(ptr.value))
