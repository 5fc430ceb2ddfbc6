#!/usr/bin/env bash
# Dependencies point one way (docs/layout.md): tests/layers.py over src/'s
# #include lines and over the calls Keel's objects make (build/keel, which
# make test builds first). First the checker's self-test: on
# tests/layers/fixture, whose files break each rule once (an upward
# include, a shared header that includes a folder's, a CSR read outside
# arch, an upward call that closes a circle), compiled here for the host,
# it must print exactly tests/layers/expected.txt, so the check can
# neither pass by finding nothing nor fail what is right.
# One PASS/FAIL line each; exit 1 on FAIL.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=0
fixture=tests/layers/fixture
expected=tests/layers/expected.txt
objs=$(mktemp -d)
trap 'rm -rf "$objs"' EXIT
for c in "$fixture"/src/*/*.c; do
	rel=${c#"$fixture"/src/}
	mkdir -p "$objs/$(dirname "$rel")"
	gcc -c -I "$fixture/src" -I "$fixture/include" "$c" -o "$objs/$rel.o" || failed=1
done
out=$(python3 -B tests/layers.py --src "$fixture/src" --include "$fixture/include" \
	--layers "$fixture/layers.txt" --objs "$objs" --nm nm 2>&1 | sed "s#$objs#OBJS#g")
if [ "$out" = "$(cat "$expected")" ]; then
	echo "PASS layers/self-test: $fixture gives $expected ($(grep -c '^layers: ' <<<"$out") lines, every rule broken once is found)"
else
	echo "FAIL layers/self-test: the checker's output on $fixture differs from $expected:"
	diff <(echo "$out") "$expected" | sed 's/^/    /'
	failed=1
fi

if [ ! -d build/keel ]; then
	echo "FAIL layers/src: build/keel has no objects (make keel first)"
	exit 1
fi
out=$(python3 -B tests/layers.py --objs build/keel 2>&1)
if [ $? -eq 0 ]; then
	echo "PASS layers/src: ${out##*layers: }"
else
	echo "FAIL layers/src: an upward edge, a circle or a CSR outside arch:"
	sed 's/^/    /' <<<"$out"
	failed=1
fi
exit $failed
