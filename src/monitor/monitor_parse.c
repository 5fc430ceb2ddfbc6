/* Parsing the monitor's command lines (monitor.h). Pure logic. */
#include <stddef.h>
#include <string.h>

#include "monitor/monitor.h"

static unsigned int split(char *line, char **words)
{
	unsigned int n = 0;

	while (*line && n < MONITOR_MAX_WORDS + 1) {
		while (*line == ' ' || *line == '\t')
			*line++ = '\0';
		if (!*line)
			break;
		words[n++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
	}
	return n;
}

static bool parse_number(const char *s, unsigned long *value)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 1000000)
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*value = v;
	return true;
}

static void bad(struct monitor_parsed *p, const char *why)
{
	p->cmd = MON_BAD;
	p->error = why;
}

static void parse_vm(struct monitor_parsed *p, char **w, unsigned int n)
{
	static const struct {
		const char *word;
		enum monitor_cmd cmd;
	} ops[] = { { "stop", MON_VM_STOP }, { "start", MON_VM_START }, { "reset", MON_VM_RESET },
		    { "wake", MON_VM_WAKE } };

	if (n != 3) {
		bad(p, "usage: vm stop|start|reset|wake <vm>");
		return;
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!strcmp(w[1], ops[i].word)) {
			p->cmd = ops[i].cmd;
			p->vm = w[2];
			return;
		}
	}
	bad(p, "usage: vm stop|start|reset|wake <vm>");
}

static void parse_prof(struct monitor_parsed *p, char **w, unsigned int n)
{
	if (n >= 2 && !strcmp(w[1], "start") && n <= 3) {
		p->cmd = MON_PROF_START;
		if (n == 3 && !parse_number(w[2], &p->hz))
			bad(p, "prof start [hz]: hz is a number of samples per second");
		return;
	}
	if (n == 2 && !strcmp(w[1], "stop")) {
		p->cmd = MON_PROF_STOP;
		return;
	}
	if (n == 2 && !strcmp(w[1], "dump")) {
		p->cmd = MON_PROF_DUMP;
		return;
	}
	bad(p, "usage: prof start [hz] | prof stop | prof dump");
}

void monitor_parse(char *line, struct monitor_parsed *p)
{
	char *w[MONITOR_MAX_WORDS + 1];
	unsigned int n = split(line, w);

	*p = (struct monitor_parsed){ .cmd = MON_EMPTY };
	if (!n)
		return;
	if (n > MONITOR_MAX_WORDS) {
		bad(p, "too many words: type help");
		return;
	}
	if (!strcmp(w[0], "help") && n == 1) {
		p->cmd = MON_HELP;
	} else if (!strcmp(w[0], "vms") && n == 1) {
		p->cmd = MON_VMS;
	} else if (!strcmp(w[0], "vcpus") && n == 1) {
		p->cmd = MON_VCPUS;
	} else if (!strcmp(w[0], "exit") && n == 1) {
		p->cmd = MON_EXIT;
	} else if (!strcmp(w[0], "net") && n == 1) {
		p->cmd = MON_NET;
	} else if (!strcmp(w[0], "poweroff") && n == 1) {
		p->cmd = MON_POWEROFF;
	} else if (!strcmp(w[0], "stats") && n <= 2) {
		p->cmd = MON_STATS;
		p->vm = n == 2 ? w[1] : NULL;
	} else if (!strcmp(w[0], "pmu")) {
		if (n != 2)
			bad(p, "usage: pmu <vm>");
		else
			p->cmd = MON_PMU, p->vm = w[1];
	} else if (!strcmp(w[0], "prof")) {
		parse_prof(p, w, n);
	} else if (!strcmp(w[0], "vm")) {
		parse_vm(p, w, n);
	} else {
		bad(p, "unknown command: type help");
	}
}

int monitor_find_vm(const char *arg, const char *const *names, unsigned int n)
{
	unsigned long id;

	if (!arg)
		return -1;
	if (parse_number(arg, &id))
		return id < n ? (int)id : -1;
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return (int)i;
	return -1;
}
