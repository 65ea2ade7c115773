#!/bin/sh
# listen-squat.sh - serve listens on every address of smtp.listen, or does
# not start (issue 9, the review): another user who listens on
# 127.0.0.1:PORT before serve starts would get the letters, and in
# password mode the password, of a mail client set up for that port.
#   - nobody (uid 65534; the same user when not root) listens on
#     127.0.0.1:PORT: serve exits 2 at once with one line that names the
#     address, says that something else uses it and how to find out
#     (ss -ltnp 'sport = :PORT'), and never says "listening on";
#   - the same with the other program on [::1]:PORT only (with IPv6);
#   - a second serve on the port of a running one: refused the same way,
#     and the first one still serves;
#   - "localhost:PORT": every address of the name is bound, and the
#     start-up lines name exactly the addresses that ss shows.

. "$MG_SRCDIR/tests/integration/lib.sh"
need_aiosmtpd
need ss
# as_other_bg CMD...: in the background as another user; $! is CMD itself.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	as_other_bg() { env HOME=/ setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@" & }
else
	as_other_bg() { "$@" & }
fi

SQ_PID=
stop_squatter() {
	if [ -n "$SQ_PID" ]; then
		kill "$SQ_PID" 2>/dev/null
		wait "$SQ_PID" 2>/dev/null
		SQ_PID=
	fi
}
trap 'stop_squatter; stop_serve; stop_upstream; rm -rf "$MG_WORK"' EXIT
start_upstream
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
# write_conf LISTEN
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ $1 ];#" \
	    -e '/^upstream = {/,/^};/d' \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	cat >>"$conf" <<CONF
upstream = { type = "smtp"; host = "127.0.0.1"; port = $PORT; tls = "none";
             auth = "none"; timeout = 5; };
CONF
}
has_v6=0
"$PY" -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' \
    2>/dev/null && has_v6=1

# squat HOST: another user's program listens on HOST:$SERVE_PORT.
squat() {
	: >"$MG_WORK/squat.log"
	as_other_bg "$PY" -c '
import socket, sys, time
h, p = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in h else socket.AF_INET)
s.bind((h, p))
s.listen(5)
print("ready", flush=True)
time.sleep(120)' "$1" "$SERVE_PORT" >"$MG_WORK/squat.log" 2>&1
	SQ_PID=$!
	for _ in $(seq 50); do
		grep -q ready "$MG_WORK/squat.log" && return 0
		sleep 0.1
	done
	echo "cannot start the squatter: $(cat "$MG_WORK/squat.log")" >&2
	exit 99
}

# refused WHAT ADDRESS: serve must stop at once, with one line.
refused() {
	: >"$MG_WORK/serve.log"
	t0=$(date +%s%3N)
	expect_status 2 "$1: serve does not start" timeout 20 "$MG_BIN" -c "$conf" serve
	echo "   (it took $(($(date +%s%3N) - t0)) ms)"
	one_line_error "^matchguard: cannot listen on $2: something else already uses it \(another matchguard serve, perhaps\?\).*ss -ltnp 'sport = :$SERVE_PORT'" "$1"
	grep -q "listening on" "$MG_WORK/err" && fail "$1: it says it listens"
}

write_conf "\"127.0.0.1:$SERVE_PORT\", \"[::1]:$SERVE_PORT\""
squat 127.0.0.1
refused "another user on 127.0.0.1" "127.0.0.1:$SERVE_PORT"
stop_squatter
if [ "$has_v6" = 1 ]; then
	squat ::1
	refused "another user on [::1] only" "\[::1\]:$SERVE_PORT"
	stop_squatter
else
	echo "no IPv6 here: the [::1] case is skipped"
fi

# A second serve on the port of the first.
start_serve "$conf"
: >"$MG_WORK/serve.log"
expect_status 2 "a second matchguard serve does not start" timeout 20 "$MG_BIN" -c "$conf" serve
one_line_error "^matchguard: cannot listen on 127.0.0.1:$SERVE_PORT: matchguard serve seems to be running already .*stop it first" \
    "a second matchguard serve"
kill -0 "$SERVE_PID" 2>/dev/null && \
    "$PY" "$MG_SRCDIR/tests/integration/smtpclient.py" "$SERVE_PORT" noop >/dev/null && \
    pass "the first serve still serves" || fail "the first serve is gone"
stop_serve

# A name: every address it has, and the log names what is bound.
write_conf "\"localhost:$SERVE_PORT\""
: >"$MG_WORK/serve.log"
start_serve "$conf"
logged=$(sed -n 's/^matchguard: listening on //p' "$MG_WORK/serve.log" | sort | tr '\n' ' ')
bound=$(ss -ltnH "sport = :$SERVE_PORT" | awk '{ print $4 }' | sort | tr '\n' ' ')
if [ -n "$logged" ] && [ "$logged" = "$bound" ]; then
	pass "localhost: the log says it listens on $logged; ss shows $bound"
else
	fail "localhost: the log says '$logged', ss shows '$bound'"
fi
case " $bound" in
*" 127.0.0.1:$SERVE_PORT "*) ;;
*) fail "localhost: 127.0.0.1 is not bound ($bound)" ;;
esac
grep -q "point your mail client's outgoing (SMTP) server at .*:$SERVE_PORT" "$MG_WORK/serve.log" || \
	fail "no client settings: $(cat "$MG_WORK/serve.log")"
stop_serve
finish
