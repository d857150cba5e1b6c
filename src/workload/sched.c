/*
 * The CPU scheduler and the thrashing curve (include/vmsim/sched.h): a
 * discrete-event simulation layered on the public vm_* API. It keeps no
 * state in the kernel and needs no hook in it.
 *
 * Every task is always in one place, its ready time: the cycle at which it
 * became (or will become) ready. Picking the task with the smallest
 * (ready time, sequence number) gives round-robin among ready tasks (a task
 * that used up its slice is ready "now", behind everyone who woke earlier)
 * and, when none is ready yet, the earliest wake-up, up to which the CPU
 * idles. A slice runs the task's accesses until it blocks (major fault, I/O
 * burst), finishes, dies or uses up its quantum; its CPU cost is the change
 * in vmsim_sys_stats' busy cycles plus the work the workload attaches.
 *
 * The paging device is FIFO with a fixed service time, so its backlog from
 * any instant on is one busy stretch ending at free_at: the busy time up to
 * now is everything ever issued minus what lies after now (dev_busy_upto).
 *
 * Working sets are measured from the access stream itself, as Denning
 * defines them: the distinct pages a process touched in each window of tau
 * of its own accesses (tumbling windows), which counts pages that were
 * evicted and faulted back within the window too.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "vmsim/error.h"
#include "vmsim/sched.h"
#include "vmsim/vm.h"

/* ---- paging-device presets ------------------------------------------------ */

static const struct {
	const char *name;
	uint64_t ns;
} presets[] = {
    {"nvme", 20000},   /* a fast NVMe drive: 4 KiB random read in about 20 us */
    {"ssd", 100000},   /* a SATA/NVMe SSD under load: about 100 us (vmsim's default) */
    {"hdd", 10000000}, /* 7200 rpm: 4 ms half turn + 6 ms average seek */
};

static const char *const preset_names[] = {"nvme", "ssd", "hdd", NULL};

int vmsim_device_preset(const char *name, uint64_t *ns)
{
	if (!name)
		return VMSIM_EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(presets); i++) {
		if (strcmp(presets[i].name, name) == 0) {
			*ns = presets[i].ns;
			return 0;
		}
	}
	return VMSIM_EINVAL;
}

const char *const *vmsim_device_preset_names(void)
{
	return preset_names;
}

/* ---- a set of page numbers, for working-set windows ------------------------ */

/* Open addressing with linear probing; a slot holds vpn + 1 (0: empty). */
struct pageset {
	uint64_t *slot; /* cap entries */
	size_t cap;	/* a power of two, or 0 before the first add */
	size_t n;	/* distinct pages in the set */
};

static size_t pageset_hash(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 17) & (cap - 1);
}

static void pageset_put(uint64_t *slot, size_t cap, uint64_t key)
{
	size_t i = pageset_hash(key, cap);
	while (slot[i] && slot[i] != key)
		i = (i + 1) & (cap - 1);
	slot[i] = key;
}

static int pageset_grow(struct pageset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 256;
	uint64_t *slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return VMSIM_ENOHOSTMEM;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slot[i])
			pageset_put(slot, cap, s->slot[i]);
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
	return 0;
}

/* Add @vpn; returns 0 or VMSIM_ENOHOSTMEM (the set is unchanged then). */
static int pageset_add(struct pageset *s, uint64_t vpn)
{
	uint64_t key = vpn + 1;
	if (2 * (s->n + 1) > s->cap) {
		int rc = pageset_grow(s);
		if (rc)
			return rc;
	}
	size_t i = pageset_hash(key, s->cap);
	while (s->slot[i]) {
		if (s->slot[i] == key)
			return 0;
		i = (i + 1) & (s->cap - 1);
	}
	s->slot[i] = key;
	s->n++;
	return 0;
}

static void pageset_clear(struct pageset *s)
{
	if (s->cap)
		memset(s->slot, 0, s->cap * sizeof(*s->slot));
	s->n = 0;
}

/* ---- the built-in model ---------------------------------------------------- */

struct model {
	const struct vmsim_sched_model *m; /* its parameters */
	vaddr_t base;			   /* start of its W pages */
	uint64_t pos;			   /* accesses so far (first pass, then the loop) */
	uint64_t until_io;		   /* accesses left before the next burst */
	struct rng rng;			   /* its own stream */
};

/* Accesses between two bursts: uniform in [B - B/2, B + B/2]. */
static uint64_t io_gap(struct rng *r, uint64_t b)
{
	uint64_t lo = b - b / 2, hi = b + b / 2;
	return lo + rng_below(r, hi - lo + 1);
}

static void model_next(struct model *md, struct vmsim_sched_op *op)
{
	const struct vmsim_sched_model *m = md->m;
	uint64_t page;
	enum vmsim_access_kind kind = VMSIM_READ;

	if (md->pos < m->pages) {
		page = md->pos; /* first pass: populate every page with a store */
		kind = VMSIM_WRITE;
	} else {
		if (m->pattern == VMSIM_SCHED_LOOP)
			page = (md->pos - m->pages) % m->pages;
		else
			page = rng_below(&md->rng, m->pages);
		if (m->write_pct && rng_below(&md->rng, 100) < m->write_pct)
			kind = VMSIM_WRITE;
	}
	md->pos++;
	op->va = md->base + page * VMSIM_PAGE_SIZE;
	op->size = 8;
	op->kind = kind;
	op->compute = m->compute;
	op->io_ns = 0;
	op->pid = 0;
	if (m->io_every && --md->until_io == 0) {
		op->io_ns = m->io_ns;
		md->until_io = io_gap(&md->rng, m->io_every);
	}
}

/* ---- the paging device ----------------------------------------------------- */

struct device {
	uint64_t svc;	     /* service time of one request (cycles) */
	uint64_t free_at;    /* busy until this cycle */
	uint64_t busy_total; /* service cycles of every request issued */
	uint64_t reads;	     /* requests issued, by kind */
	uint64_t writes;
	uint64_t wait_sum;	/* issue -> start, all requests */
	uint64_t read_resp_sum; /* issue -> done, reads */
	uint64_t max_queue;	/* since the measurement began */
};

/* Queue one request at @now; returns the cycle it completes. */
static uint64_t dev_issue(struct device *d, uint64_t now, bool read)
{
	uint64_t start = d->free_at > now ? d->free_at : now;
	d->free_at = start + d->svc;
	d->busy_total += d->svc;
	d->wait_sum += start - now;
	if (read) {
		d->reads++;
		d->read_resp_sum += d->free_at - now;
	} else {
		d->writes++;
	}
	uint64_t queued = d->svc ? (d->free_at - now + d->svc - 1) / d->svc : 0;
	if (queued > d->max_queue)
		d->max_queue = queued;
	return d->free_at;
}

/* Busy cycles up to @now; every request so far was issued at or before it. */
static uint64_t dev_busy_upto(const struct device *d, uint64_t now)
{
	return d->busy_total - (d->free_at > now ? d->free_at - now : 0);
}

/* ---- tasks ------------------------------------------------------------------ */

/* Why a task waits until ready_at; from ready_at on it waits for the CPU. */
enum task_state {
	TASK_READY,  /* preempted or new: only the CPU */
	TASK_PAGING, /* the paging device */
	TASK_IO,     /* a non-paging I/O burst */
	TASK_GONE,   /* finished or dead: never picked again */
};

struct task {
	int pid;			     /* the process */
	vmsim_sched_next_fn next;	     /* its generator, or NULL for the model */
	void *arg;			     /*   and the generator's argument */
	struct model model;		     /* the built-in model's state */
	enum task_state state;		     /* see above */
	uint64_t ready_at;		     /* cycle it became or becomes ready */
	uint64_t io_pending;		     /* ns of I/O to start when it next runs */
	uint64_t seq;			     /* FIFO order among equal ready_at */
	struct vmsim_sched_proc_result r;    /* running totals since the start */
	struct vmsim_sched_proc_result base; /* r when the measurement began */
	struct pageset ws;		     /* pages of the current window */
	uint64_t ws_accesses;		     /* accesses in the current window */
	uint64_t ws_sum;		     /* sizes of measured complete windows */
	uint64_t ws_windows;		     /* measured complete windows */
};

/* The kernel's CPU cycles so far: vmsim_sys_stats' busy cycles, without the
 * major-fault waits (the scheduler replaces those by blocking). Also leaves
 * the stats in *@st. */
static uint64_t kernel_busy(struct vmsim_system *sys, struct vmsim_sys_stats *st /* out */)
{
	vmsim_sys_stats(sys, st);
	return st->cycles_busy;
}

static uint64_t ns_to_cycles(uint64_t ns, double ghz)
{
	return (uint64_t)((double)ns * ghz + 0.5);
}

/* The next task to run: smallest (ready_at, seq) among live tasks, or NULL. */
static struct task *pick(struct task *t, unsigned n)
{
	struct task *best = NULL;
	for (unsigned i = 0; i < n; i++) {
		if (t[i].state == TASK_GONE)
			continue;
		if (!best || t[i].ready_at < best->ready_at ||
		    (t[i].ready_at == best->ready_at && t[i].seq < best->seq))
			best = &t[i];
	}
	return best;
}

/* Record the pages of one access in @t's window; close the window after tau. */
static int track_ws(struct task *t, const struct vmsim_sched_op *op, uint64_t tau, bool measuring)
{
	uint64_t first = op->va >> VMSIM_PAGE_SHIFT,
		 last = (op->va + op->size - 1) >> VMSIM_PAGE_SHIFT;
	for (uint64_t vpn = first; vpn <= last; vpn++) {
		int rc = pageset_add(&t->ws, vpn);
		if (rc)
			return rc;
	}
	if (++t->ws_accesses == tau) {
		t->r.wss_last = t->ws.n;
		if (measuring) {
			t->ws_sum += t->ws.n;
			t->ws_windows++;
		}
		pageset_clear(&t->ws);
		t->ws_accesses = 0;
	}
	return 0;
}

/* ---- the run ------------------------------------------------------------------ */

struct run {
	struct vmsim_system *sys;
	const struct vmsim_sched_cfg *cfg;
	struct task *t;	     /* ntasks */
	struct device dev;   /* the paging device */
	double ghz;	     /* the machine's clock */
	uint64_t major_ns;   /* its major-fault latency */
	uint64_t quantum;    /* accesses per slice */
	uint64_t tau;	     /* working-set window */
	uint64_t now;	     /* the simulated clock (cycles) */
	uint64_t busy, idle; /* CPU time so far */
	uint64_t kbusy;	     /* kernel_busy at the end of the last slice */
	uint64_t swap_outs;  /* the kernel's swap_outs at the end of the last slice */
	uint64_t seq;	     /* next sequence number */
	bool measuring;	     /* the warm-up is over */
	uint64_t accesses;   /* measured accesses */
	/* snapshots when the measurement began */
	uint64_t t0, busy0, idle0, dev_busy0;
	struct device dev0;
	struct vmsim_sys_stats st0;
};

/*
 * Waits are charged when they begin (blocked: the whole wait) or end (ready:
 * at the pick), so a wait that spans the instant @at is split there into
 * *@acc: at the start of the measurement @acc is the baseline (the part
 * before @at leaves the measurement), at its end the totals (the part after
 * @at is dropped, the part before it is added).
 */
static void split_waits(struct run *r, uint64_t at, bool end)
{
	for (unsigned i = 0; i < r->cfg->ntasks; i++) {
		struct task *t = &r->t[i];
		struct vmsim_sched_proc_result *acc = end ? &t->r : &t->base;
		if (t->state == TASK_GONE)
			continue;
		if (t->ready_at <= at)
			acc->ready_cycles += at - t->ready_at;
		else if (t->state == TASK_PAGING)
			acc->paging_cycles -= t->ready_at - at;
		else if (t->state == TASK_IO)
			acc->io_cycles -= t->ready_at - at;
	}
}

static void begin_measurement(struct run *r)
{
	r->measuring = true;
	r->t0 = r->now;
	r->busy0 = r->busy;
	r->idle0 = r->idle;
	r->dev_busy0 = dev_busy_upto(&r->dev, r->now);
	r->dev0 = r->dev;
	r->dev.max_queue = 0;
	vmsim_sys_stats(r->sys, &r->st0);
	for (unsigned i = 0; i < r->cfg->ntasks; i++)
		r->t[i].base = r->t[i].r;
	split_waits(r, r->now, false);
}

/* Block @t on a non-paging I/O burst of @ns from now. */
static void start_io(struct run *r, struct task *t, uint64_t ns)
{
	uint64_t d = ns_to_cycles(ns, r->ghz);
	t->r.io_bursts++;
	t->r.io_cycles += d;
	t->ready_at = r->now + d;
	t->state = TASK_IO;
}

/* Run @t for one slice at r->now and put it back in line (or retire it). */
static int run_slice(struct run *r, struct task *t)
{
	const struct vmsim_sched_cfg *cfg = r->cfg;
	uint64_t compute = 0, io_ns = 0;
	unsigned major = 0;
	bool io = false;
	struct vmsim_sys_stats st;

	if (t->io_pending) {
		/* its last access faulted and asked for I/O: that comes now */
		start_io(r, t, t->io_pending);
		t->io_pending = 0;
		t->seq = r->seq++;
		return 0;
	}

	for (uint64_t n = 0; n < r->quantum; n++) {
		struct vmsim_sched_op op;
		struct vmsim_access_result res;
		int rc;

		if (r->measuring && cfg->max_accesses && r->accesses >= cfg->max_accesses)
			break;
		if (t->next) {
			rc = t->next(t->arg, t->pid, &op);
			if (rc < 0)
				return rc;
			if (rc > 0) {
				t->r.finished = true;
				t->state = TASK_GONE;
				break;
			}
			if (op.size == 0 || op.size > (1u << 20))
				return VMSIM_EINVAL;
		} else {
			model_next(&t->model, &op);
		}
		int pid = op.pid ? op.pid : t->pid;
		rc = vmsim_access(r->sys, pid, op.va, op.size, op.kind, &res);
		if (rc == VMSIM_ESRCH && op.pid && !vmsim_process_alive(r->sys, pid))
			continue; /* a process of the task that died already */
		if (rc == VMSIM_ESRCH && !vmsim_process_alive(r->sys, t->pid)) {
			/* the OOM killer chose it while another task ran */
			t->r.killed = true;
			t->state = TASK_GONE;
			break;
		}
		if (rc)
			return rc;
		compute += op.compute;
		t->r.accesses++;
		if (r->measuring)
			r->accesses++;
		if ((rc = track_ws(t, &op, r->tau, r->measuring)))
			return rc;
		if (res.killed && !op.pid) {
			t->r.killed = true;
			t->state = TASK_GONE;
			break;
		}
		if (op.io_ns) {
			io = true;
			io_ns = op.io_ns;
		}
		if (res.faults_major) {
			major = res.faults_major;
			t->r.faults_major++;
			break;
		}
		if (io)
			break;
	}

	uint64_t kb = kernel_busy(r->sys, &st);
	uint64_t slice = (kb > r->kbusy ? kb - r->kbusy : 0) + compute;
	r->kbusy = kb;
	r->now += slice;
	r->busy += slice;
	t->r.cpu_cycles += slice;

	/* the faulting read first: reclaim writes its victims back asynchronously */
	if (t->state == TASK_GONE) {
		t->ready_at = r->now;
	} else if (major) {
		uint64_t done = r->now;
		for (unsigned i = 0; i < major; i++)
			done = dev_issue(&r->dev, r->now, true);
		t->r.paging_cycles += done - r->now;
		t->ready_at = done;
		t->state = TASK_PAGING;
		t->io_pending = io ? io_ns : 0; /* the burst follows the page */
	} else if (io) {
		start_io(r, t, io_ns);
	} else {
		t->ready_at = r->now;
		t->state = TASK_READY;
	}
	t->seq = r->seq++;
	if (cfg->writeback_on_device)
		for (; r->swap_outs < st.swap_outs; r->swap_outs++)
			dev_issue(&r->dev, r->now, false);
	r->swap_outs = st.swap_outs;
	return 0;
}

/* Create the model's processes and set every task up; on failure the
 * processes created stay in the system (vmsim_sched_run says so). */
static int setup_tasks(struct run *r)
{
	const struct vmsim_sched_cfg *cfg = r->cfg;
	for (unsigned i = 0; i < cfg->ntasks; i++) {
		const struct vmsim_sched_task *in = &cfg->tasks[i];
		struct task *t = &r->t[i];
		int rc;

		t->seq = r->seq++;
		if (in->next) {
			t->next = in->next;
			t->arg = in->arg;
			t->pid = in->pid;
		} else {
			vaddr_t base;
			if ((rc = vmsim_process_create(r->sys, &t->pid)))
				return rc;
			rc = vmsim_mmap(r->sys, t->pid, 0, in->model.pages * VMSIM_PAGE_SIZE,
					VMSIM_PROT_READ | VMSIM_PROT_WRITE,
					VMSIM_MAP_PRIVATE | VMSIM_MAP_ANONYMOUS, -1, 0, &base);
			if (rc)
				return rc;
			t->model.m = &in->model;
			t->model.base = base;
			rng_seed(&t->model.rng, cfg->seed * 0x9E3779B97F4A7C15ULL + i + 1);
			if (in->model.io_every)
				t->model.until_io = io_gap(&t->model.rng, in->model.io_every);
		}
		t->r.pid = t->pid;
	}
	return 0;
}

static int check_cfg(struct vmsim_system *sys, const struct vmsim_sched_cfg *cfg)
{
	bool endless = false;
	if (!cfg->tasks || cfg->ntasks == 0)
		return VMSIM_EINVAL;
	for (unsigned i = 0; i < cfg->ntasks; i++) {
		const struct vmsim_sched_task *t = &cfg->tasks[i];
		if (t->next) {
			if (!vmsim_process_alive(sys, t->pid))
				return VMSIM_EINVAL;
		} else {
			if (t->model.pages == 0 || t->model.pages > (1ULL << 35) ||
			    t->model.pattern > VMSIM_SCHED_LOOP || t->model.write_pct > 100)
				return VMSIM_EINVAL;
			endless = true;
		}
	}
	if (endless && !cfg->duration_ns && !cfg->max_accesses)
		return VMSIM_EINVAL;
	return 0;
}

static void fill_result(struct run *r, struct vmsim_sched_result *out)
{
	const struct vmsim_sched_cfg *cfg = r->cfg;
	struct vmsim_sys_stats st;
	vmsim_sys_stats(r->sys, &st);
	split_waits(r, r->now, true);

	out->wall_cycles = r->now - r->t0;
	out->busy_cycles = r->busy - r->busy0;
	out->idle_cycles = r->idle - r->idle0;
	out->wall_seconds = (double)out->wall_cycles / (r->ghz * 1e9);
	out->utilisation =
	    out->wall_cycles ? (double)out->busy_cycles / (double)out->wall_cycles : 0.0;
	out->accesses = r->accesses;
	out->faults_major = st.faults_major - r->st0.faults_major;
	out->faults_minor = st.faults_minor - r->st0.faults_minor;
	out->swap_ins = st.swap_ins - r->st0.swap_ins;
	out->swap_outs = st.swap_outs - r->st0.swap_outs;
	out->refaults = st.refaults - r->st0.refaults;
	out->context_switches = st.context_switches - r->st0.context_switches;
	if (out->wall_seconds > 0) {
		out->faults_per_second = (double)out->faults_major / out->wall_seconds;
		out->refaults_per_second = (double)out->refaults / out->wall_seconds;
	}
	if (out->accesses)
		out->faults_per_access = (double)out->faults_major / (double)out->accesses;

	struct vmsim_sched_dev_result *d = &out->dev;
	uint64_t nreq = (r->dev.reads - r->dev0.reads) + (r->dev.writes - r->dev0.writes);
	d->reads = r->dev.reads - r->dev0.reads;
	d->writes = r->dev.writes - r->dev0.writes;
	if (out->wall_cycles)
		d->busy = (double)(dev_busy_upto(&r->dev, r->now) - r->dev_busy0) /
			  (double)out->wall_cycles;
	if (nreq)
		d->mean_wait_ns =
		    (double)(r->dev.wait_sum - r->dev0.wait_sum) / (double)nreq / r->ghz;
	if (d->reads)
		d->mean_response_ns = (double)(r->dev.read_resp_sum - r->dev0.read_resp_sum) /
				      (double)d->reads / r->ghz;
	d->max_queue = r->dev.max_queue;

	out->nprocs = cfg->ntasks;
	out->wss_total_pages = 0;
	uint64_t paging = 0, cpu = 0;
	for (unsigned i = 0; i < cfg->ntasks; i++) {
		struct task *t = &r->t[i];
		struct vmsim_sched_proc_result *p = &out->procs[i];
		*p = t->r;
		p->accesses -= t->base.accesses;
		p->faults_major -= t->base.faults_major;
		p->io_bursts -= t->base.io_bursts;
		p->cpu_cycles -= t->base.cpu_cycles;
		p->ready_cycles -= t->base.ready_cycles;
		p->paging_cycles -= t->base.paging_cycles;
		p->io_cycles -= t->base.io_cycles;
		if (t->ws_windows)
			p->wss_pages = (t->ws_sum + t->ws_windows / 2) / t->ws_windows;
		else
			p->wss_pages = t->r.wss_last ? t->r.wss_last : t->ws.n;
		out->wss_total_pages += p->wss_pages;
		paging += p->paging_cycles;
		cpu += p->cpu_cycles;
	}
	if (out->wall_cycles)
		out->paging_share = (double)paging / ((double)out->wall_cycles * cfg->ntasks);
	out->frames_available = st.frames_total - st.frames_pagetable - st.frames_kernel;
	out->thrashing = out->wss_total_pages > out->frames_available && paging > cpu;
	out->kernel_thrashing = st.thrashing;
	out->kernel_wss_total = st.wss_total;
}

void vmsim_sched_cfg_default(struct vmsim_sched_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->quantum = 1000;
	cfg->duration_ns = 100000000;
	cfg->warmup_ns = 10000000;
	cfg->wss_window = 10000;
	cfg->writeback_on_device = false;
	cfg->seed = 1;
}

int vmsim_sched_run(struct vmsim_system *sys, const struct vmsim_sched_cfg *cfg,
		    struct vmsim_sched_result *out)
{
	const struct vmsim_config *vc = vmsim_system_config(sys);
	struct run r;
	struct vmsim_sys_stats st;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = check_cfg(sys, cfg)))
		return rc;
	memset(&r, 0, sizeof(r));
	r.sys = sys;
	r.cfg = cfg;
	r.ghz = vc->cost.ghz;
	r.major_ns = vc->cost.major_fault_ns;
	r.quantum = cfg->quantum ? cfg->quantum : 1000;
	r.tau = cfg->wss_window ? cfg->wss_window : 10000;
	r.dev.svc = ns_to_cycles(r.major_ns, r.ghz);
	r.t = calloc(cfg->ntasks, sizeof(*r.t));
	out->procs = calloc(cfg->ntasks, sizeof(*out->procs));
	if (!r.t || !out->procs) {
		rc = VMSIM_ENOHOSTMEM;
		goto out_free;
	}
	if ((rc = setup_tasks(&r)))
		goto out_free;
	r.kbusy = kernel_busy(sys, &st);
	r.swap_outs = st.swap_outs;

	uint64_t warm_end = ns_to_cycles(cfg->warmup_ns, r.ghz);
	uint64_t span = cfg->duration_ns ? ns_to_cycles(cfg->duration_ns, r.ghz) : 0;
	if (warm_end == 0)
		begin_measurement(&r);
	for (;;) {
		if (!r.measuring && r.now >= warm_end) {
			begin_measurement(&r);
			continue;
		}
		if (r.measuring && ((span && r.now - r.t0 >= span) ||
				    (cfg->max_accesses && r.accesses >= cfg->max_accesses)))
			break;
		struct task *t = pick(r.t, cfg->ntasks);
		if (!t)
			break;
		if (t->ready_at > r.now) {
			/* nobody is ready: idle, but not past the end of a phase */
			uint64_t limit = !r.measuring ? warm_end : span ? r.t0 + span : UINT64_MAX;
			uint64_t until = t->ready_at < limit ? t->ready_at : limit;
			r.idle += until - r.now;
			r.now = until;
			if (until < t->ready_at)
				continue;
		}
		t->r.ready_cycles += r.now - t->ready_at;
		if ((rc = run_slice(&r, t)))
			goto out_free;
	}
	if (!r.measuring)
		begin_measurement(&r); /* everyone finished during the warm-up */
	fill_result(&r, out);
	rc = 0;
	goto out_tasks;

out_free:
	free(out->procs);
	out->procs = NULL;
out_tasks:
	if (r.t)
		for (unsigned i = 0; i < cfg->ntasks; i++)
			free(r.t[i].ws.slot);
	free(r.t);
	return rc;
}

void vmsim_sched_result_release(struct vmsim_sched_result *res)
{
	free(res->procs);
	res->procs = NULL;
	res->nprocs = 0;
}

/* ---- the classic curve -------------------------------------------------------- */

void vmsim_curve_cfg_default(struct vmsim_curve_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->frames = 1024;
	cfg->nmax = 16;
	cfg->proc = (struct vmsim_sched_model){
	    .pages = 128,
	    .pattern = VMSIM_SCHED_UNIFORM,
	    .write_pct = 10,
	    .compute = 15000,	/* 5 us of work per access at 3 GHz */
	    .io_every = 4000,	/* so about 20 ms of CPU between I/O bursts */
	    .io_ns = 100000000, /* of 100 ms each */
	};
	cfg->duration_ns = 0; /* from the sizes, point by point */
	cfg->warmup_ns = 0;
	cfg->quantum = 2000; /* 10 ms slices */
	cfg->wss_window = 10000;
	cfg->writeback_on_device = false;
	cfg->seed = 1;
}

/* Page-table frames a process of @pages pages needs at most: the leaf
 * tables, one more level per 512 of them, and the top levels. */
static uint64_t pt_frames(uint64_t pages)
{
	uint64_t pte = (pages + 511) / 512, pmd = (pte + 511) / 512;
	return pte + pmd + 2;
}

int vmsim_curve_check(const struct vmsim_curve_cfg *cfg, char *why, size_t whylen)
{
	uint64_t w = cfg->proc.pages, pt;

	if (cfg->frames < 64 || cfg->frames > VMSIM_CURVE_MAX_FRAMES)
		return why_set(why, whylen, VMSIM_EINVAL,
			       "M = %" PRIu64 " frames: expected 64 to %llu frames", cfg->frames,
			       VMSIM_CURVE_MAX_FRAMES);
	if (w == 0 || w > VMSIM_CURVE_MAX_PAGES)
		return why_set(why, whylen, VMSIM_EINVAL,
			       "W = %" PRIu64 " pages: expected 1 to %llu pages per process", w,
			       VMSIM_CURVE_MAX_PAGES);
	if (cfg->nmax == 0 || cfg->nmax > VMSIM_CURVE_MAX_NMAX)
		return why_set(why, whylen, VMSIM_EINVAL,
			       "N = %u processes: expected 1 to %d processes", cfg->nmax,
			       VMSIM_CURVE_MAX_NMAX);
	if (cfg->nmax * w > VMSIM_CURVE_MAX_TOTAL)
		return why_set(why, whylen, VMSIM_EINVAL,
			       "%u processes of %" PRIu64 " pages are %" PRIu64
			       " pages in all, more than the %llu (64 GiB) a curve may use",
			       cfg->nmax, w, cfg->nmax * w, VMSIM_CURVE_MAX_TOTAL);
	pt = pt_frames(w) * cfg->nmax;
	if (pt > cfg->frames / 2)
		return why_set(why, whylen, VMSIM_EINVAL,
			       "%u processes of %" PRIu64 " pages need up to %" PRIu64
			       " frames of page tables, more than half of the %" PRIu64
			       " frames: the curve would measure page tables, not working sets",
			       cfg->nmax, w, pt, cfg->frames);
	return 0;
}

/*
 * The measured time and the warm-up of point @n when the caller left them
 * to the sizes (duration_ns 0). Three clocks set the pace: a round (every
 * process runs one slice: n x quantum accesses of CPU work), the first
 * pass (the n.W pages touched once), and the device (memory turns over at
 * one frame per read). The warm-up covers two rounds and the first pass,
 * so every process has its pages in play before the measurement; the
 * measurement covers four rounds and 2000 device reads, and at least a
 * second. *@under_measured: the time given is shorter than half of that
 * (fewer than two rounds or 1000 reads measured): some processes may not
 * have run long enough to fault.
 */
static void curve_times(const struct vmsim_curve_cfg *cfg, unsigned n,
			const struct vmsim_config *vc, uint64_t *duration /* out */,
			uint64_t *warmup /* out */, bool *under_measured /* out */)
{
	uint64_t quantum = cfg->quantum ? cfg->quantum : 1000;
	double access_ns = (double)(cfg->proc.compute + vc->cost.access) / vc->cost.ghz;
	double round = (double)n * (double)quantum * access_ns;
	double pass = (double)n * (double)cfg->proc.pages * access_ns;
	double reads = (double)vc->cost.major_fault_ns;
	double need_d = fmax(fmax(1e9, 2000 * reads), 4 * round);
	double need_w = fmax(fmax(need_d / 5, 2 * round), pass);

	if (cfg->duration_ns) {
		*duration = cfg->duration_ns;
		*warmup = cfg->warmup_ns;
		*under_measured = (double)*duration < 2 * round || (double)*duration < 1000 * reads;
		return;
	}
	*duration = (uint64_t)need_d;
	*warmup = (uint64_t)need_w;
	*under_measured = false;
}

/* One point: a fresh machine running @n copies of the model. */
static int curve_point(const struct vmsim_curve_cfg *cfg, unsigned n,
		       struct vmsim_sched_task *tasks, struct vmsim_curve_point *pt /* out */)
{
	struct vmsim_config vc;
	struct vmsim_system *sys;
	struct vmsim_sched_cfg sc;
	struct vmsim_sched_result res;
	uint64_t w = cfg->proc.pages;
	int rc;

	if (cfg->machine)
		vc = *cfg->machine;
	else
		vmsim_config_default(&vc);
	vc.ram_bytes = cfg->frames * VMSIM_PAGE_SIZE;
	vc.swap_bytes = (n * w + cfg->frames) * VMSIM_PAGE_SIZE; /* room for every page */
	if (cfg->policy)
		vc.policy = cfg->policy;
	if (cfg->major_fault_ns)
		vc.cost.major_fault_ns = cfg->major_fault_ns;
	vc.wss_window = cfg->wss_window;
	vc.seed = cfg->seed;
	if ((rc = vmsim_system_new(&vc, &sys)))
		return rc;

	for (unsigned i = 0; i < n; i++)
		tasks[i] = (struct vmsim_sched_task){.model = cfg->proc};
	vmsim_sched_cfg_default(&sc);
	sc.tasks = tasks;
	sc.ntasks = n;
	sc.quantum = cfg->quantum;
	bool under;
	curve_times(cfg, n, &vc, &sc.duration_ns, &sc.warmup_ns, &under);
	sc.wss_window = cfg->wss_window;
	sc.writeback_on_device = cfg->writeback_on_device;
	sc.seed = cfg->seed;
	if ((rc = vmsim_sched_run(sys, &sc, &res)))
		goto out_sys;

	*pt = (struct vmsim_curve_point){
	    .n = n,
	    .load = (double)(n * w) / (double)cfg->frames,
	    .utilisation = res.utilisation,
	    .faults_per_second = res.faults_per_second,
	    .faults_per_access = res.faults_per_access,
	    .device_busy = res.dev.busy,
	    .mean_fault_ns = res.dev.mean_response_ns,
	    .accesses = res.accesses,
	    .wss_total_pages = res.wss_total_pages,
	    .paging_share = res.paging_share,
	    .thrashing = res.thrashing,
	    .duration_ns = sc.duration_ns,
	    .warmup_ns = sc.warmup_ns,
	    .under_measured = under,
	};
	uint64_t least = UINT64_MAX;
	for (unsigned i = 0; i < n; i++)
		if (res.procs[i].accesses < least)
			least = res.procs[i].accesses;
	if (res.accesses)
		pt->progress_min = (double)least * n / (double)res.accesses;
	vmsim_sched_result_release(&res);
out_sys:
	vmsim_system_free(sys);
	return rc;
}

int vmsim_thrashing_curve(const struct vmsim_curve_cfg *cfg, struct vmsim_curve_point *out)
{
	struct vmsim_sched_task *tasks;
	int rc = 0;

	if (vmsim_curve_check(cfg, NULL, 0))
		return VMSIM_EINVAL;
	tasks = calloc(cfg->nmax, sizeof(*tasks));
	if (!tasks)
		return VMSIM_ENOHOSTMEM;
	for (unsigned n = 1; n <= cfg->nmax && rc == 0; n++) {
		rc = curve_point(cfg, n, tasks, &out[n - 1]);
		if (rc == 0 && cfg->point_done)
			cfg->point_done(cfg->point_arg, n);
	}
	free(tasks);
	return rc;
}
