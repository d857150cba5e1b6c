"""Tests of the Python package: every API function, the error mapping,
handle lifetimes, and figures equal to the C library's for the same run."""

import ctypes
import gc
import json
import os
import subprocess
import tempfile
import unittest

import vmsim

MiB = 1 << 20
ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
TRACE = os.path.join(ROOT, "data", "matmul-ikj.vmt")
VMSIM_BIN = os.environ.get("VMSIM_BIN")


class SystemTest(unittest.TestCase):
    def setUp(self):
        self.sys = vmsim.System(ram="256M", swap="64M")

    def tearDown(self):
        self.sys.check()
        self.sys.close()

    def test_touch_100mib_takes_25600_minor_faults(self):
        p = self.sys.process()
        a = p.mmap(100 * MiB)
        r = p.touch(a, 100 * MiB, write=True)
        self.assertEqual(r["accesses"], 25600)
        self.assertEqual(r["faults_minor"], 25600)
        self.assertEqual(p.stats()["rss_anon"], 100 * MiB)
        info = p.memory_info()
        self.assertEqual(info.rss, 100 * MiB)
        self.assertEqual(info.vms, 100 * MiB)

    def test_read_faults_map_the_zero_page_outside_rss(self):
        p = self.sys.process()
        a = p.mmap(4 * MiB, "r")
        r = p.touch(a, 4 * MiB)
        self.assertEqual(r["faults_minor"], 1024)
        s = p.stats()
        self.assertEqual(s["rss"], 0)
        self.assertEqual(s["zero_maps"], 1024)

    def test_fork_shares_then_copies_on_write(self):
        p = self.sys.process()
        a = p.mmap(1 * MiB)
        p.touch(a, 1 * MiB, write=True)
        c = p.fork()
        self.assertTrue(c.alive)
        self.assertEqual(c.stats()["pss"], 512 * 1024)
        c.touch(a, 100 * 4096, write=True)
        self.assertEqual(c.stats()["cow_copies"], 100)
        c.exit()
        self.assertFalse(c.alive)
        full = p.memory_full_info()
        self.assertEqual(full.uss, 1 * MiB)

    def test_mprotect_then_write_raises_segv(self):
        p = self.sys.process()
        a = p.mmap(8192)
        p.mprotect(a, 8192, "r")
        r = p.access(a, 8, "write")
        self.assertTrue(r["segv"])
        self.assertEqual(r["segv_addr"], a)
        self.assertEqual(p.stats()["faults_invalid"], 1)

    def test_munmap_and_madvise(self):
        p = self.sys.process()
        a = p.mmap(16 * 4096)
        p.touch(a, 16 * 4096, write=True)
        p.madvise(a, 8 * 4096, "dontneed")
        self.assertEqual(p.stats()["rss"], 8 * 4096)
        p.munmap(a, 16 * 4096)
        self.assertEqual(p.stats()["vm_size"], 0)

    def test_brk_and_layout(self):
        p = self.sys.process(text=64 * 1024, data=64 * 1024, stack=128 * 1024)
        self.assertGreater(p.stats()["nr_vmas"], 0)
        old = p.brk(0)
        self.assertEqual(p.brk(old + 3 * 4096), old + 3 * 4096)

    def test_virtual_file_mapping_counts_file_pages(self):
        p = self.sys.process()
        f = self.sys.virtual_file(4 * MiB)
        a = p.mmap(4 * MiB, "r", file=f)
        p.touch(a, 4 * MiB)
        self.assertEqual(p.stats()["rss_file"], 4 * MiB)
        f.close()
        self.assertGreater(self.sys.stats()["files"]["reads"], 0)

    def test_host_file_shared_mapping_changes_the_file(self):
        with tempfile.NamedTemporaryFile(delete=False) as t:
            t.write(b"x" * 8192)
            path = t.name
        try:
            with vmsim.System(ram="64M", data=True) as s:
                p = s.process()
                f = s.open_file(path, writable=True)
                a = p.mmap(8192, "rw", shared=True, file=f)
                p.write(a + 10, b"hello")
                self.assertEqual(p.read(a + 8, 9), b"xxhelloxx")
                p.msync(a, 8192)
                f.close()
            with open(path, "rb") as fh:
                self.assertEqual(fh.read()[8:17], b"xxhelloxx")
        finally:
            os.unlink(path)

    def test_data_mode_round_trip_and_cow_bytes(self):
        with vmsim.System(ram="64M", data=True) as s:
            p = s.process()
            a = p.mmap(4096)
            p.write(a, b"parent")
            c = p.fork()
            c.write(a, b"child!")
            self.assertEqual(p.read(a, 6), b"parent")
            self.assertEqual(c.read(a, 6), b"child!")

    def test_report_has_json_names(self):
        p = self.sys.process()
        p.touch(p.mmap(4096), 4096, write=True)
        doc = self.sys.report(smaps=True)
        self.assertEqual(doc["schema"], "vmsim-report")
        self.assertIn("smaps", doc["processes"][0])
        self.assertEqual(self.sys.stats()["faults"]["minor"], 1)

    def test_counters_by_name_follow_the_table(self):
        p = self.sys.process()
        a = p.mmap(16 * 4096)
        p.touch(a, 16 * 4096, write=True)
        c = p.fork()
        c.touch(a, 4 * 4096, write=True)
        names = [r["figure"] for r in vmsim.counters()]
        self.assertIn("files.writeback_errors", names)
        self.assertIn("reclaim.unevictable", names)
        self.assertEqual(self.sys.counter("faults.minor"), self.sys.stats()["faults"]["minor"])
        self.assertEqual(self.sys.counter("mem.free"), self.sys.stats()["frames"]["free"])
        self.assertEqual(c.counter("cow.copies"), 4)
        self.assertEqual(c.counter("cow_copies"), 4)
        self.assertEqual([r["json"] for r in vmsim.counters("process")][:2], ["pid", "alive"])
        with self.assertRaises(KeyError):
            self.sys.counter("no.such")
        with self.assertRaises(ValueError):
            vmsim.counters("cpu")


class ErrorTest(unittest.TestCase):
    def test_bad_setting_is_invalid_argument_and_value_error(self):
        with self.assertRaises(vmsim.InvalidArgument) as cm:
            vmsim.System(ram="lots")
        self.assertIsInstance(cm.exception, ValueError)
        self.assertIn("ram=lots", str(cm.exception))
        self.assertEqual(cm.exception.name, "INVAL")
        with self.assertRaises(vmsim.InvalidArgument):
            vmsim.System(frobnicate=1)

    def test_wrong_types_raise_type_error(self):
        with vmsim.System(ram="64M") as s:
            p = s.process()
            with self.assertRaises(TypeError):
                p.mmap("4096")
            with self.assertRaises(TypeError):
                p.write(0x1000, "text")
            with self.assertRaises(ValueError):
                p.mmap(4096, "rwz")
            with self.assertRaises(ValueError):
                p.access(0x1000, 1, "jump")
            with self.assertRaises(TypeError):
                vmsim.System(ram=[1])

    def test_library_errors_map_to_subclasses(self):
        with vmsim.System(ram="64M") as s:
            p = s.process()
            with self.assertRaises(vmsim.InvalidArgument):
                p.mmap(0)
            with self.assertRaises(vmsim.InvalidArgument):
                p.munmap(0x1001, 4096)
            with self.assertRaises(vmsim.OutOfMemory):
                p.mprotect(0x10000000, 4096, "r")
            with self.assertRaises(vmsim.NotSupported):
                p.read(0x1000, 4)
            with self.assertRaises(vmsim.NoSuchProcess):
                vmsim.Process(s, 999).fork()
            with self.assertRaises(vmsim.InputOutputError):
                s.open_file("/nonexistent/file")
            with self.assertRaises(vmsim.BadAddress):
                vmsim.System(ram="64M", data=True).process().read(0x1000, 4)

    def test_parse_error_carries_position(self):
        with tempfile.NamedTemporaryFile("w", suffix=".vms", delete=False) as t:
            t.write("machine ram=64M\nprocess A\nfrobnicate 3\n")
            path = t.name
        try:
            with self.assertRaises(vmsim.ParseError) as cm:
                vmsim.run_scenario(path)
            e = cm.exception
            self.assertEqual((e.file, e.line, e.column), (path, 3, 1))
            self.assertIn("unknown command", e.message)
        finally:
            os.unlink(path)

    def test_closed_system_refuses_use(self):
        s = vmsim.System(ram="64M")
        p = s.process()
        s.close()
        s.close()
        self.assertTrue(s.closed)
        with self.assertRaises(ValueError):
            p.mmap(4096)

    def test_every_code_has_a_class(self):
        for name, code in vmsim.CODES.items():
            e = vmsim.errors.error_for(code)
            self.assertIsInstance(e, vmsim.Error)
            self.assertEqual(e.name, name)
            self.assertIsNot(type(e), vmsim.Error, name)


class LifetimeTest(unittest.TestCase):
    def rss_kib(self):
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

    def cycle(self, n):
        for _ in range(n):
            with vmsim.System(ram="1M", swap=0) as s:
                s.process()
            vmsim.Config(ram="2M").close()
            vmsim.System(ram="1M", swap=0)  # freed by garbage collection
        gc.collect()

    def test_100000_create_free_cycles_do_not_leak(self):
        self.cycle(2000)
        before = self.rss_kib()
        self.cycle(100000 // 3)
        grown = self.rss_kib() - before
        self.assertLess(grown, 4096, "RSS grew by %d KiB over 10^5 handles" % grown)


class RunsTest(unittest.TestCase):
    def test_translate_splits_the_address(self):
        t = vmsim.translate(0x7FFD12345678)
        self.assertEqual(t["offset"], 0x678)
        self.assertEqual([x["index"] for x in t["tables"]], [255, 500, 145, 325])
        self.assertEqual(vmsim.translate(0x7FFD12345678, levels=5)["tables"][0]["name"], "PML5")
        with self.assertRaises(vmsim.NonCanonical):
            vmsim.translate(0x0000900000000000)
        with self.assertRaises(ValueError):
            vmsim.translate(1, levels=3)

    def test_paging_reproduces_beladys_anomaly(self):
        refs = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]
        self.assertEqual(vmsim.paging(refs, "fifo", [3, 4]), {3: 9, 4: 10})
        self.assertEqual(vmsim.paging(refs, "opt", 3), {3: 7})
        with self.assertRaises(vmsim.InvalidArgument):
            vmsim.paging(refs, "nosuch", 3)
        with self.assertRaises(ValueError):
            vmsim.paging(refs, "lru", 0)
        with self.assertRaises(TypeError):
            vmsim.paging(["a"], "lru", 2)

    def test_lru_curve_in_one_pass_equals_single_sizes(self):
        import random
        rng = random.Random(7)
        refs = [int(rng.paretovariate(1.2)) % 500 for _ in range(20000)]
        curve = vmsim.paging(refs, "lru", range(1, 120))
        for f in (1, 7, 50, 119):
            single = vmsim.paging(refs, "lru", [f])[f]
            self.assertEqual(curve[f], single)
        self.assertEqual(len(curve), 119)
        self.assertTrue(all(curve[f] >= curve[f + 1] for f in range(1, 119)))

    def test_inspect_reads_this_process(self):
        me = vmsim.inspect()
        self.assertEqual(me["pid"], os.getpid())
        self.assertGreater(me["rss"], 0)
        with self.assertRaises(vmsim.NoSuchProcess):
            vmsim.inspect(2 ** 22 + 12345)

    def test_run_trace_equals_the_command_line(self):
        doc = vmsim.run(TRACE)
        self.assertEqual(doc["system"]["faults"]["minor"], 326)
        if not VMSIM_BIN:
            self.skipTest("VMSIM_BIN not set")
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "r.json")
            subprocess.run([VMSIM_BIN, "run", TRACE, "--json", out], check=True,
                           stdout=subprocess.DEVNULL)
            with open(out) as f:
                cli = json.load(f)
        self.assertEqual(doc["system"], cli["system"])
        self.assertEqual(doc["processes"], cli["processes"])

    def test_run_scenario_reports_its_checks(self):
        doc = vmsim.run("s07-page-faults")
        self.assertGreater(doc["expects"], 0)
        self.assertEqual(doc["expects_failed"], 0)
        self.assertEqual(doc["system"]["faults"]["invalid"], 2)
        with self.assertRaises(vmsim.Error):
            vmsim.run("no-such-scenario")

    def test_range_call_equals_per_access_calls(self):
        with vmsim.System(ram="64M") as a, vmsim.System(ram="64M") as b:
            pa, pb = a.process(), b.process()
            va, vb = pa.mmap(MiB), pb.mmap(MiB)
            pa.touch(va, MiB, write=True, stride=512)
            for off in range(0, MiB, 512):
                pb.access(vb + off, 1, "write")
            self.assertEqual(a.report()["system"], b.report()["system"])


if __name__ == "__main__":
    unittest.main()
