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

# free_port: a TCP port on 127.0.0.1 that nobody listens on right now.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# need_aiosmtpd: sets PY to a python3 that has aiosmtpd (Debian's package
# installs it for /usr/bin/python3, which may not be first on PATH), or
# skips the test.
need_aiosmtpd() {
	PY=
	for p in python3 /usr/bin/python3; do
		if "$p" -c 'import aiosmtpd' >/dev/null 2>&1; then
			PY=$p
			break
		fi
	done
	[ -n "$PY" ] || { echo "SKIP: python3-aiosmtpd not installed"; exit 77; }
}

# start_upstream ARGS...: tests/integration/upstream.py (aiosmtpd) on a
# free port $PORT, writing what it receives to a new $UP_OUT; ARGS go to
# upstream.py (--tls-cert, --auth, --tempfail, ...).
UP_PID=
UP_N=0
start_upstream() {
	stop_upstream
	UP_N=$((UP_N + 1))
	UP_OUT="$MG_WORK/upstream$UP_N"
	for _ in 1 2 3; do
		PORT=$(free_port)
		# A new log each time, made here: the child truncating a shared
		# one races with the grep below, which could see an old "ready".
		UP_LOG="$UP_OUT.$PORT.log"
		: >"$UP_LOG"
		"$PY" "$MG_SRCDIR/tests/integration/upstream.py" \
		    --listen "127.0.0.1:$PORT" --outdir "$UP_OUT" "$@" \
		    >>"$UP_LOG" 2>&1 &
		UP_PID=$!
		i=0
		while [ $i -lt 100 ]; do
			grep -q '^ready$' "$UP_LOG" && return 0
			kill -0 "$UP_PID" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		stop_upstream
	done
	echo "cannot start upstream.py: $(cat "$UP_LOG")" >&2
	exit 99
}

stop_upstream() {
	if [ -n "$UP_PID" ]; then
		kill "$UP_PID" 2>/dev/null
		wait "$UP_PID" 2>/dev/null
		UP_PID=
	fi
}

# wait_listen PORT [PID]: waits (5 s) until something listens on
# 127.0.0.1:PORT; 1 when it does not, or when process PID ended.
wait_listen() {
	for _ in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)" \
			2>/dev/null && return 0
		[ -z "${2:-}" ] || kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# start_serve CONF: matchguard serve in the background ($SERVE_PID), its
# log in $MG_WORK/serve.log; waits until it listens on $SERVE_PORT.
SERVE_PID=
start_serve() {
	"$MG_BIN" -c "$1" serve 2>>"$MG_WORK/serve.log" &
	SERVE_PID=$!
	wait_listen "$SERVE_PORT" "$SERVE_PID" && return 0
	echo "serve did not start: $(cat "$MG_WORK/serve.log")" >&2
	exit 99
}

stop_serve() {
	if [ -n "$SERVE_PID" ]; then
		kill "$SERVE_PID" 2>/dev/null
		wait "$SERVE_PID" 2>/dev/null
		SERVE_PID=
	fi
}

# review_conf REVIEW: $MG_WORK/matchguard.conf ($conf) from the example,
# serve on $SERVE_PORT relaying to the upstream on $PORT, the review page
# on $REVIEW_PORT with the settings REVIEW ("port = N;" added).
review_conf() {
	conf="$MG_WORK/matchguard.conf"
	cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e '/^upstream = {/,/^};/d' \
	    -e '/^review = {/,/^};/d' \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	cat >>"$conf" <<CONF
upstream = { type = "smtp"; host = "127.0.0.1"; port = $PORT; tls = "none"; timeout = 5; };
review = { port = $REVIEW_PORT;${1:+ $1} };
CONF
}

finish() {
	if [ "$MG_FAILS" -gt 0 ]; then
		echo "$MG_FAILS failure(s)" >&2
		exit 1
	fi
	exit 0
}
