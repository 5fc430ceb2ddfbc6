/* Keel's Ctrl-A commands on the console (console_keys.h). */
#include "console/console_keys.h"

int console_keys_feed(struct console_keys *k, int c, enum console_cmd *cmd)
{
	*cmd = CONSOLE_CMD_NONE;
	if (!k->escaped) {
		if (c == CONSOLE_ESCAPE) {
			k->escaped = true;
			return -1;
		}
		return c;
	}
	k->escaped = false;
	if (c >= '0' && c <= '9') {
		*cmd = CONSOLE_CMD_FOCUS;
		k->arg = (unsigned int)(c - '0');
		return -1;
	}
	switch (c) {
	case 'h':
		*cmd = CONSOLE_CMD_MONITOR;
		return -1;
	case 'p':
		*cmd = CONSOLE_CMD_PROF_TOGGLE;
		return -1;
	case 'd':
		*cmd = CONSOLE_CMD_PROF_DUMP;
		return -1;
	case 'a':
		return CONSOLE_ESCAPE;
	default:
		return -1;
	}
}
