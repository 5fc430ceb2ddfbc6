/* Tests for the monitor's command-line parser (src/monitor/monitor_parse.c). */
#include <string.h>

#include "monitor/monitor.h"
#include "unit.h"

static struct monitor_parsed p;
static char buf[MONITOR_LINE];

static void parse(const char *text)
{
	strncpy(buf, text, sizeof(buf) - 1);
	monitor_parse(buf, &p);
}

TEST(empty_and_blank_lines_do_nothing)
{
	parse("");
	CHECK_EQ(p.cmd, MON_EMPTY);
	parse("   \t ");
	CHECK_EQ(p.cmd, MON_EMPTY);
}

TEST(simple_commands)
{
	parse("help");
	CHECK_EQ(p.cmd, MON_HELP);
	parse("  vms  ");
	CHECK_EQ(p.cmd, MON_VMS);
	parse("vcpus");
	CHECK_EQ(p.cmd, MON_VCPUS);
	parse("exit");
	CHECK_EQ(p.cmd, MON_EXIT);
	parse("poweroff");
	CHECK_EQ(p.cmd, MON_POWEROFF);
	parse("poweroff now");
	CHECK_EQ(p.cmd, MON_BAD);
	parse("net");
	CHECK_EQ(p.cmd, MON_NET);
	parse("net linux");
	CHECK_EQ(p.cmd, MON_BAD);
	parse("stats");
	CHECK_EQ(p.cmd, MON_STATS);
	CHECK(p.vm == NULL);
}

TEST(commands_with_a_vm)
{
	parse("stats linux");
	CHECK_EQ(p.cmd, MON_STATS);
	CHECK_STR(p.vm, "linux");
	parse("pmu 1");
	CHECK_EQ(p.cmd, MON_PMU);
	CHECK_STR(p.vm, "1");
	parse("vm reset demo");
	CHECK_EQ(p.cmd, MON_VM_RESET);
	CHECK_STR(p.vm, "demo");
	parse("vm stop 0");
	CHECK_EQ(p.cmd, MON_VM_STOP);
	parse("vm start 0");
	CHECK_EQ(p.cmd, MON_VM_START);
	parse("vm wake susp");
	CHECK_EQ(p.cmd, MON_VM_WAKE);
	CHECK_STR(p.vm, "susp");
}

TEST(prof_subcommands)
{
	parse("prof start");
	CHECK_EQ(p.cmd, MON_PROF_START);
	CHECK_EQ(p.hz, 0);
	parse("prof start 5000");
	CHECK_EQ(p.cmd, MON_PROF_START);
	CHECK_EQ(p.hz, 5000);
	parse("prof stop");
	CHECK_EQ(p.cmd, MON_PROF_STOP);
	parse("prof dump");
	CHECK_EQ(p.cmd, MON_PROF_DUMP);
}

TEST(mistakes_say_what_is_wrong)
{
	parse("frobnicate");
	CHECK_EQ(p.cmd, MON_BAD);
	CHECK_STR(p.error, "unknown command: type help");
	parse("pmu");
	CHECK_STR(p.error, "usage: pmu <vm>");
	parse("vm reboot demo");
	CHECK_STR(p.error, "usage: vm stop|start|reset|wake <vm>");
	parse("vm stop");
	CHECK_EQ(p.cmd, MON_BAD);
	parse("prof start fast");
	CHECK_STR(p.error, "prof start [hz]: hz is a number of samples per second");
	parse("prof go");
	CHECK_STR(p.error, "usage: prof start [hz] | prof stop | prof dump");
	parse("help me");
	CHECK_EQ(p.cmd, MON_BAD);
	parse("a b c d e f");
	CHECK_STR(p.error, "too many words: type help");
}

TEST(find_vm_by_number_or_name)
{
	static const char *const names[] = { "linux", "demo", "7" };

	CHECK_EQ(monitor_find_vm("0", names, 3), 0);
	CHECK_EQ(monitor_find_vm("demo", names, 3), 1);
	CHECK_EQ(monitor_find_vm("3", names, 3), -1);
	CHECK_EQ(monitor_find_vm("nope", names, 3), -1);
	CHECK_EQ(monitor_find_vm(NULL, names, 3), -1);
	/* a number is a VM number, even if some VM is named like one */
	CHECK_EQ(monitor_find_vm("7", names, 3), -1);
	CHECK_EQ(monitor_find_vm("99999999999", names, 3), -1);
}
