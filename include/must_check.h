/*
 * MUST_CHECK marks a function whose result reports a failure its caller
 * must act on (docs/errors.md says how, layer by layer). Built with
 * -Werror, a call that drops such a result does not compile; GCC does not
 * take a (void) cast for handling it, and that is the point: the caller
 * reports, stops, or answers the guest.
 */
#ifndef KEEL_MUST_CHECK_H
#define KEEL_MUST_CHECK_H

#define MUST_CHECK __attribute__((warn_unused_result))

#endif
