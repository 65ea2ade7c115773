#!/bin/sh
# replay.sh - every fuzz target (tests/fuzz/fuzz_*.c, linked with replay.c
# into tests/fuzz/replay_*) on every file of its seed corpus, which also
# holds each input that once made a target fail.
: "${MG_BIN:?run through make check}"
: "${MG_SRCDIR:?run through make check}"
B=$(dirname "$(dirname "$MG_BIN")")
export TMPDIR="${TMPDIR:-/tmp}"
# In a sanitizer build: libconfig's own leak on a syntax error (lsan.supp).
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$MG_SRCDIR/tests/fuzz/lsan.supp"
export LSAN_OPTIONS
rc=0
for t in smtp_session message config; do
	if out=$("$B/tests/fuzz/replay_$t" "$MG_SRCDIR/tests/fuzz/$t" 2>&1); then
		echo "ok: $t: $out"
	else
		echo "FAIL: $t: $out"
		rc=1
	fi
done
exit $rc
