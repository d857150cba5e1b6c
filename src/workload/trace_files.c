/*
 * The file table of an open trace: the files its TRACE_EV_FILE records
 * declare, by dense id (0, 1, 2... in the order first declared), and the
 * map from the key a writer named a file by to that id.
 *
 * Keys are the writer's business (vmsim's Valgrind tool makes them unique
 * per recorded process image); ids are the reader's. The same file (device
 * and inode, or the path of a pseudo-file whose device and inode are 0)
 * gets one id whatever key names it, so processes that share a file share
 * its id. Memory grows with the number of distinct keys, never with the
 * length of the trace. Callers: the format readers (trace_vmsim.c).
 */
#include <stdlib.h>
#include <string.h>

#include "vmsim/error.h"
#include "workload/trace_internal.h"

struct trace_files {
	struct trace_file *files; /* by id; paths owned */
	uint32_t nfiles;	  /* ids in use */
	uint32_t cap;		  /* slots in @files */
	uint64_t *keys;		  /* open-addressing table of keys ... */
	uint32_t *ids;		  /* ... and the id of each (UINT32_MAX: empty slot) */
	size_t nkeys;		  /* keys held */
	size_t kcap;		  /* slots (a power of two) */
};

static size_t slot_of(uint64_t key, size_t kcap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key & (kcap - 1);
}

static bool same_file(const struct trace_file *a, const struct trace_file *b)
{
	if (a->dev || a->ino || b->dev || b->ino)
		return a->dev == b->dev && a->ino == b->ino;
	return !strcmp(a->path, b->path);
}

static int keys_grow(struct trace_files *fs)
{
	size_t kcap = fs->kcap ? 2 * fs->kcap : 64;
	uint64_t *keys = malloc(kcap * sizeof(*keys));
	uint32_t *ids = malloc(kcap * sizeof(*ids));

	if (!keys || !ids) {
		free(keys);
		free(ids);
		return VMSIM_ENOHOSTMEM;
	}
	memset(ids, 0xff, kcap * sizeof(*ids));
	for (size_t i = 0; i < fs->kcap; i++) {
		if (fs->ids[i] == UINT32_MAX)
			continue;
		size_t s = slot_of(fs->keys[i], kcap);
		while (ids[s] != UINT32_MAX)
			s = (s + 1) & (kcap - 1);
		keys[s] = fs->keys[i];
		ids[s] = fs->ids[i];
	}
	free(fs->keys);
	free(fs->ids);
	fs->keys = keys;
	fs->ids = ids;
	fs->kcap = kcap;
	return 0;
}

bool trace_file_lookup(const struct trace *t, uint64_t key, uint32_t *id)
{
	const struct trace_files *fs = t->files;

	if (!fs || !fs->kcap)
		return false;
	for (size_t s = slot_of(key, fs->kcap); fs->ids[s] != UINT32_MAX;
	     s = (s + 1) & (fs->kcap - 1)) {
		if (fs->keys[s] == key) {
			*id = fs->ids[s];
			return true;
		}
	}
	return false;
}

/* The id of a file like @f declared before, or UINT32_MAX. */
static uint32_t find_same(const struct trace_files *fs, const struct trace_file *f)
{
	for (uint32_t i = 0; i < fs->nfiles; i++)
		if (same_file(&fs->files[i], f))
			return i;
	return UINT32_MAX;
}

int trace_file_declare(struct trace *t, uint64_t key, const struct trace_file *f, uint32_t *id)
{
	struct trace_files *fs = t->files;
	uint32_t got;

	if (!fs && !(fs = t->files = calloc(1, sizeof(*fs))))
		return VMSIM_ENOHOSTMEM;
	if ((got = find_same(fs, f)) == UINT32_MAX) {
		if (fs->nfiles == fs->cap) {
			uint32_t cap = fs->cap ? 2 * fs->cap : 16;
			struct trace_file *nf = realloc(fs->files, cap * sizeof(*nf));
			if (!nf)
				return VMSIM_ENOHOSTMEM;
			fs->files = nf;
			fs->cap = cap;
		}
		char *path = strdup(f->path);
		if (!path)
			return VMSIM_ENOHOSTMEM;
		got = fs->nfiles++;
		fs->files[got] = *f;
		fs->files[got].path = path;
	}
	if (2 * (fs->nkeys + 1) > fs->kcap && keys_grow(fs))
		return VMSIM_ENOHOSTMEM;
	size_t s = slot_of(key, fs->kcap);
	while (fs->ids[s] != UINT32_MAX && fs->keys[s] != key)
		s = (s + 1) & (fs->kcap - 1);
	if (fs->ids[s] == UINT32_MAX)
		fs->nkeys++;
	fs->keys[s] = key; /* a key declared again names the new file from now on */
	fs->ids[s] = got;
	*id = got;
	return 0;
}

const struct trace_file *trace_file_get(const struct trace *t, uint32_t id)
{
	return t->files && id < t->files->nfiles ? &t->files->files[id] : NULL;
}

uint32_t trace_file_count(const struct trace *t)
{
	return t->files ? t->files->nfiles : 0;
}

void trace_files_free(struct trace_files *fs)
{
	if (!fs)
		return;
	for (uint32_t i = 0; i < fs->nfiles; i++)
		free((char *)fs->files[i].path);
	free(fs->files);
	free(fs->keys);
	free(fs->ids);
	free(fs);
}
