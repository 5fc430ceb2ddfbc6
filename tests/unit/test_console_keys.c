/* Tests for Keel's Ctrl-A console commands (src/console/console_keys.c). */
#include "console/console_keys.h"
#include "unit.h"

static struct console_keys k;
static enum console_cmd cmd;

static int feed(int c)
{
	return console_keys_feed(&k, c, &cmd);
}

TEST(ordinary_bytes_pass_through)
{
	k = (struct console_keys){ 0 };
	CHECK_EQ(feed('x'), 'x');
	CHECK_EQ(cmd, CONSOLE_CMD_NONE);
	CHECK_EQ(feed('\r'), '\r');
	CHECK_EQ(feed(0x02), 0x02);
}

TEST(ctrl_a_p_toggles_profiling_and_the_guest_sees_nothing)
{
	k = (struct console_keys){ 0 };
	CHECK_EQ(feed(CONSOLE_ESCAPE), -1);
	CHECK_EQ(cmd, CONSOLE_CMD_NONE);
	CHECK_EQ(feed('p'), -1);
	CHECK_EQ(cmd, CONSOLE_CMD_PROF_TOGGLE);
	/* and the escape is over: the next p is the guest's */
	CHECK_EQ(feed('p'), 'p');
	CHECK_EQ(cmd, CONSOLE_CMD_NONE);
}

TEST(ctrl_a_d_dumps)
{
	k = (struct console_keys){ 0 };
	feed(CONSOLE_ESCAPE);
	CHECK_EQ(feed('d'), -1);
	CHECK_EQ(cmd, CONSOLE_CMD_PROF_DUMP);
}

TEST(ctrl_a_a_gives_the_guest_one_ctrl_a)
{
	k = (struct console_keys){ 0 };
	feed(CONSOLE_ESCAPE);
	CHECK_EQ(feed('a'), CONSOLE_ESCAPE);
	CHECK_EQ(cmd, CONSOLE_CMD_NONE);
	CHECK_EQ(feed('a'), 'a');
}

TEST(unknown_command_is_dropped)
{
	k = (struct console_keys){ 0 };
	feed(CONSOLE_ESCAPE);
	CHECK_EQ(feed('z'), -1);
	CHECK_EQ(cmd, CONSOLE_CMD_NONE);
	CHECK_EQ(feed('z'), 'z');
}

TEST(ctrl_a_twice_is_not_a_command)
{
	k = (struct console_keys){ 0 };
	feed(CONSOLE_ESCAPE);
	CHECK_EQ(feed(CONSOLE_ESCAPE), -1);
	CHECK_EQ(cmd, CONSOLE_CMD_NONE);
	CHECK_EQ(feed('x'), 'x');
}

TEST(ctrl_a_digit_moves_the_focus)
{
	k = (struct console_keys){ 0 };
	feed(CONSOLE_ESCAPE);
	CHECK_EQ(feed('1'), -1);
	CHECK_EQ(cmd, CONSOLE_CMD_FOCUS);
	CHECK_EQ(k.arg, 1);
	feed(CONSOLE_ESCAPE);
	feed('0');
	CHECK_EQ(k.arg, 0);
	CHECK_EQ(feed('1'), '1'); /* without Ctrl-A a digit is the guest's */
}

TEST(ctrl_a_h_is_the_monitor)
{
	k = (struct console_keys){ 0 };
	feed(CONSOLE_ESCAPE);
	CHECK_EQ(feed('h'), -1);
	CHECK_EQ(cmd, CONSOLE_CMD_MONITOR);
}
