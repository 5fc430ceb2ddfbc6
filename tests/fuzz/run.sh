#!/usr/bin/env bash
# Fuzz one target with libFuzzer for a set time; called by "make -C
# tests/fuzz run" for each target.
#   run.sh OUTDIR TARGET SECONDS MERGE MAXLEN
# Reads the committed seeds in tests/fuzz/corpus/TARGET, writes new inputs
# to OUTDIR/new/TARGET (the committed corpus stays as it is unless MERGE is
# 1: then inputs that add coverage are merged into it), a crash to
# OUTDIR/artifacts/TARGET/, the whole output to OUTDIR/logs/TARGET.log, and
# prints a summary: executions per second and libFuzzer's coverage.
set -uo pipefail
cd "$(dirname "$0")"

out=$1 t=$2 secs=$3 merge=$4 maxlen=$5
bin=$out/libfuzzer/$t new=$out/new/$t art=$out/artifacts/$t/ log=$out/logs/$t.log
dict=$t.dict
mkdir -p "$new" "$art" "$out/logs"

# -timeout: a single input taking seconds is a hang (a loop a guest can
# cause), which libFuzzer reports as a crash too.
"$bin" -max_total_time="$secs" -max_len="$maxlen" -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$art" $([ -f "$dict" ] && echo "-dict=$dict") \
	"$new" "corpus/$t" >"$log" 2>&1
rc=$?

done_line=$(grep -aE '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
[ -n "$done_line" ] || done_line=$(grep -aE '^#[0-9]+' "$log" | tail -n 1)
execs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{print $2}')
rate=$(grep -a 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
cov=$(echo "$done_line" | grep -oE 'cov: [0-9]+' | awk '{print $2}')
ft=$(echo "$done_line" | grep -oE 'ft: [0-9]+' | awk '{print $2}')
corp=$(echo "$done_line" | grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' | awk '{print $2}')
if [ $rc -eq 0 ]; then
	echo "fuzz-host: $t: ${execs:-?} runs in $secs s (${rate:-?}/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?} (log: $log)"
else
	echo "fuzz-host: $t: FAILED (libFuzzer exit $rc); the input is in $art, see $log:"
	grep -aE '^(==[0-9]+==ERROR|SUMMARY|.*invariant violated|.*runtime error)' "$log" | head -n 5
	echo "  replay it: build/fuzz-host/libfuzzer/$t <file>; once fixed, copy it into tests/fuzz/corpus/$t/"
fi

if [ "$merge" = 1 ] && [ $rc -eq 0 ]; then
	before=$(ls "corpus/$t" | wc -l)
	"$bin" -merge=1 -max_len="$maxlen" "corpus/$t" "$new" >>"$log" 2>&1
	echo "fuzz-host: $t: merged into tests/fuzz/corpus/$t: $before -> $(ls "corpus/$t" | wc -l) inputs"
fi
exit $rc
