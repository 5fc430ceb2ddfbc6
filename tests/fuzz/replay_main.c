/*
 * The replay driver: runs a fuzz target's LLVMFuzzerTestOneInput on every
 * file of its corpus, without libFuzzer, so make test (tests/run-all.sh)
 * replays every seed and every crash ever found with the host gcc under
 * ASan/UBSan.
 *
 *	replay_<target> NAME PATH...      (a PATH is a file or a directory)
 *
 * prints, as the unit tests do, one line that tests/run-all.sh counts:
 *
 *	PASS fuzz_sbi corpus (42 inputs)
 *
 * or one FAIL line per input that crashed or tripped an invariant:
 *
 *	FAIL fuzz_sbi tests/fuzz/corpus/fuzz_sbi/crash-1234 (signal 6)
 *
 * The inputs run one after the other in a child process, as libFuzzer
 * runs them in one process; the child says which one it is on through
 * shared memory, so when it dies the parent names that input and goes on
 * with the next in a new child. LeakSanitizer checks once, at the child's
 * exit (checking after every input would cost a quarter second each).
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_check.h"

/* Seconds one input may take (libFuzzer's -timeout in run.sh is 10 too) */
#define REPLAY_TIMEOUT 10

struct paths {
	char **v;
	size_t n, cap;
};

static void add_path(struct paths *p, const char *path)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->v = realloc(p->v, p->cap * sizeof(*p->v));
		if (!p->v) {
			perror("replay");
			exit(2);
		}
	}
	p->v[p->n++] = strdup(path);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file, or every regular file directly in a directory (dotfiles skipped). */
static int collect(struct paths *p, const char *path)
{
	struct stat st;
	struct dirent *e;
	DIR *d;

	if (stat(path, &st)) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		add_path(p, path);
		return 0;
	}
	d = opendir(path);
	if (!d) {
		perror(path);
		return -1;
	}
	while ((e = readdir(d))) {
		char full[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		if (!stat(full, &st) && S_ISREG(st.st_mode))
			add_path(p, full);
	}
	closedir(d);
	return 0;
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	*size = n;
	return buf;
}

/* Runs one input, in this process. */
static void run_one(const char *path)
{
	size_t size = 0;
	uint8_t *data = read_file(path, &size);
	uint8_t *copy;

	if (!data) {
		perror(path);
		_exit(2);
	}
	/* an exact-size heap copy: a read past the input's end is caught */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	free(data);
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
}

/*
 * Runs inputs first.. in a child, which records in *current the one it is
 * on. Returns the index of the input the child died on, or p->n when all
 * passed, or p->n + 1 when only the exit failed (LeakSanitizer's check).
 */
static size_t run_from(const struct paths *p, size_t first, volatile size_t *current,
		       int *status)
{
	pid_t pid;

	fflush(stdout);
	*current = first;
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		for (size_t i = first; i < p->n; i++) {
			*current = i;
			/* a hang must not hang make test: SIGALRM ends the child */
			alarm(REPLAY_TIMEOUT);
			run_one(p->v[i]);
			alarm(0);
		}
		*current = p->n + 1;
		exit(0); /* exit, not _exit: LeakSanitizer checks here, once */
	}
	if (waitpid(pid, status, 0) < 0) {
		perror("waitpid");
		exit(2);
	}
	if (WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
		return p->n;
	return *current;
}

static void print_failure(const char *name, const char *what, int status)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		printf("FAIL %s %s (timeout: more than %d s)\n", name, what, REPLAY_TIMEOUT);
	else if (WIFSIGNALED(status))
		printf("FAIL %s %s (signal %d)\n", name, what, WTERMSIG(status));
	else
		printf("FAIL %s %s (exit %d)\n", name, what, WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	struct paths p = { 0 };
	unsigned int failed = 0;
	volatile size_t *current;

	if (argc < 3) {
		fprintf(stderr, "usage: %s NAME PATH...\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (collect(&p, argv[i])) {
			printf("FAIL %s %s (cannot read it)\n", argv[1], argv[i]);
			return 1;
		}
	if (!p.n) {
		/* an empty corpus replays nothing: say so rather than pass */
		printf("FAIL %s corpus (no inputs)\n", argv[1]);
		return 1;
	}
	qsort(p.v, p.n, sizeof(*p.v), by_name);
	current = mmap(NULL, sizeof(*current), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (current == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	for (size_t i = 0; i < p.n;) {
		int status;
		size_t died = run_from(&p, i, current, &status);

		if (died == p.n)
			break;
		failed++;
		if (died > p.n) {
			print_failure(argv[1], "corpus, at exit (a leak?)", status);
			break;
		}
		print_failure(argv[1], p.v[died], status);
		i = died + 1; /* the rest still run */
	}
	if (!failed)
		printf("PASS %s corpus (%zu inputs)\n", argv[1], p.n);
	for (size_t i = 0; i < p.n; i++)
		free(p.v[i]);
	free(p.v);
	return failed ? 1 : 0;
}
