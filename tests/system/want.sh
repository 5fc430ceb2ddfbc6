# Sourced by the system scripts that read a console log: want REGEX WHAT
# prints "ok: WHAT" when $log has a line matching REGEX, else "FAILED:" and
# sets fail=1 (the script exits with $fail at its end). -a: a log with a
# stray control byte is still read as text.
want() {
	if grep -Eaq -- "$1" "$log"; then echo "ok: $2"; else echo "FAILED: $2 (no /$1/)"; fail=1; fi
}
