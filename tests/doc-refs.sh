#!/usr/bin/env bash
# Docs that stay true (docs/testing.md): every file, function, file:line,
# make goal and option, link to a heading and make bench figure that
# README.md, docs/ and the guests' and tools' READMEs name must still hold
# (tests/doc_refs.py says how each kind is checked). First the checker's
# self-test: on tests/doc-refs/fixture, whose docs/bad.md breaks each kind
# of reference, with tests/doc-refs/run.txt as the latest make bench run,
# it must print exactly tests/doc-refs/expected.txt, so the check can
# neither pass by finding nothing nor fail what is right. Then the
# documents, with make test's latest bench run (build/budget/run1.table,
# tests/budget-check.sh) when there is one.
# One PASS/FAIL line per document; below a FAIL, one line per broken
# reference ("    FILE:LINE: class: what is wrong"). Exit 1 on FAIL.
#   tests/doc-refs.sh [DOC...]          only those documents (after the self-test)
#   tests/doc-refs.sh --run FILE ...    figures against that make bench output
#                                       (make bench | tee FILE: the whole table)
set -uo pipefail
cd "$(dirname "$0")/.."

failed=0
fixture=tests/doc-refs/fixture
expected=tests/doc-refs/expected.txt
out=$(python3 -B tests/doc_refs.py --root "$fixture" --run tests/doc-refs/run.txt 2>&1)
if [ "$out" = "$(cat "$expected")" ] && grep -q '^FAIL ' <<<"$out"; then
	echo "PASS doc-refs/self-test: $fixture gives $expected" \
		"($(grep -c '^    ' <<<"$out") broken references found, the right ones pass)"
else
	echo "FAIL doc-refs/self-test: the checker's output on $fixture differs from $expected:"
	diff <(echo "$out") "$expected" | sed 's/^/    /'
	failed=1
fi
run=()
case " $* " in
*" --run "*) ;;
*) [ -f build/budget/run1.table ] && run=(--run build/budget/run1.table) ;;
esac
python3 -B tests/doc_refs.py "${run[@]}" "$@" || failed=1
exit $failed
