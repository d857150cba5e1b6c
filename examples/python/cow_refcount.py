"""multiprocessing with fork, copy-on-write, reference counts and gc.freeze().

A parent builds a list of 10**6 Python objects and forks a child that only
reads them.  Reading an object in CPython still writes to it: each access
increments and decrements its reference count, which lives in the object's
header, so every memory page that holds objects is written by the child and
copied.  The cyclic garbage collector writes too: a collection in the child
updates the GC header of every container object (tuples, lists, dicts) it
examines.  gc.freeze() in the parent before the fork moves every container
into a permanent generation that later collections skip, which removes the
collector's writes but not the reference-count writes.

The model of CPython 3.11 used here: small objects come from 4 KiB pools of
one size class (pymalloc), a 28-byte int takes a 32-byte slot and a
2-element tuple (56 bytes with its GC header) a 64-byte slot; a pool header
takes 48 bytes; the list's item array holds 8-byte pointers.
"""

import vmsim

N = 10**6
PAGE = 4096
POOL_HEADER = 48


def layout(p, slot):
    """Map the pools holding N objects of @slot bytes, created (written) by
    the parent; return their base address and pages, and objects per page."""
    per_pool = (PAGE - POOL_HEADER) // slot
    pools = -(-N // per_pool)
    base = p.mmap(pools * PAGE)
    p.touch(base, pools * PAGE, write=True)
    return base, pools, per_pool


def story(kind, slot, reads, container, freeze):
    """The child reads the first @reads objects; a collection runs in the
    child if the objects are containers.  Returns the child's COW copies."""
    with vmsim.System(ram="2G", swap="0") as sys:
        parent = sys.process()
        items = parent.mmap(N * 8)                   # the list's item array
        parent.touch(items, N * 8, write=True)
        objs, pages, per_page = layout(parent, slot)
        child = parent.fork()
        # reading an object: load its pointer, write its refcount
        child.touch(items, reads * 8)
        child.touch(objs, -(-reads // per_page) * PAGE, write=True)
        if container and not freeze:
            # a full collection writes the GC header of every tracked object
            child.touch(objs, pages * PAGE, write=True)
        st = child.stats()
        print("%-14s reads %7d  freeze %-5s  object pages %5d  COW copies %5d  "
              "child USS %5.1f MB" % (kind, reads, freeze, pages, st["cow_copies"],
                                      st["uss"] / 1e6))
        return pages, st["cow_copies"]


print("child sums all 10**6 ints (ints are not tracked by the collector):")
for freeze in (False, True):
    pages, copies = story("10**6 ints", 32, N, False, freeze)
    assert copies == pages
print("child reads 10,000 of 10**6 tuples, then a collection runs:")
copies = {}
for freeze in (False, True):
    pages, copies[freeze] = story("10**6 tuples", 64, 10_000, True, freeze)
assert copies[False] == pages and copies[True] < pages // 50
print()
print("Reading an object writes its reference count, so every page of objects")
print("the child reads is copied, frozen or not.  gc.freeze() removes the")
print("collector's writes: a collection in the child no longer touches every")
print("container, and only the pages of the objects really read are copied.")
