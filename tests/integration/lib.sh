# lib.sh - shared by the integration tests (sourced, not run).
#
# The build passes MG_BIN (the program under test) and MG_SRCDIR.  Each
# test works in its own temporary directory, removed on exit, with its own
# XDG directories, so that nothing of the user's is read or written.

set -u

: "${MG_BIN:?run through make check, or set MG_BIN}"
: "${MG_SRCDIR:?run through make check, or set MG_SRCDIR}"

MG_WORK=$(mktemp -d "${TMPDIR:-/tmp}/mgtest.XXXXXX") || exit 99
trap 'rm -rf "$MG_WORK"' EXIT
export XDG_STATE_HOME="$MG_WORK/state"
export XDG_CONFIG_HOME="$MG_WORK/config"
export HOME="$MG_WORK/home"
mkdir -p "$HOME"

MG_FAILS=0

# fail MESSAGE: record a failure and go on.
fail() {
	echo "FAIL: $*" >&2
	MG_FAILS=$((MG_FAILS + 1))
}

pass() {
	echo "ok: $*"
}

# need TOOL: skip the whole test (exit 77) when a tool is missing.
need() {
	command -v "$1" >/dev/null 2>&1 || { echo "SKIP: $1 not installed"; exit 77; }
}

# expect_status WANT DESCRIPTION COMMAND...: run COMMAND, compare status.
expect_status() {
	want=$1; what=$2; shift 2
	"$@" >"$MG_WORK/out" 2>"$MG_WORK/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass "$what (exit $got)"
	else
		fail "$what: exit $got, wanted $want; stderr: $(cat "$MG_WORK/err")"
	fi
}

# one_line_error PATTERN DESCRIPTION: the last command's stderr is exactly
# one line and matches PATTERN (grep -E).
one_line_error() {
	lines=$(wc -l <"$MG_WORK/err")
	if [ "$lines" -ne 1 ]; then
		fail "$2: stderr has $lines lines: $(cat "$MG_WORK/err")"
	elif ! grep -Eq -- "$1" "$MG_WORK/err"; then
		fail "$2: stderr does not match /$1/: $(cat "$MG_WORK/err")"
	else
		pass "$2: $(cat "$MG_WORK/err")"
	fi
}

finish() {
	if [ "$MG_FAILS" -gt 0 ]; then
		echo "$MG_FAILS failure(s)" >&2
		exit 1
	fi
	exit 0
}
