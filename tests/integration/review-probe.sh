#!/bin/sh
# review-probe.sh - the review page of matchguard serve attacked at the
# HTTP level (review_probe.py, no browser): DNS rebinding Host variants,
# letter IDs with ../, %2e%2e, %00 or 3000 characters, forms a hostile
# page can send (text/plain, a sandboxed frame's Origin null, multipart
# with a wrong CSRF value), GET on an action, many idle connections
# (serve's SMTP still answers); the held letter survives all of it, and
# serve's log stays short (MHD's messages go through matchguard's log,
# at most a screenful a minute); review-url does not print the address
# (the token) when another user's program holds the page's port.

. "$MG_SRCDIR/tests/integration/lib.sh"
need swaks
need_aiosmtpd

trap 'stop_serve; stop_upstream; rm -rf "$MG_WORK"' EXIT
start_upstream
SERVE_PORT=$(free_port)
REVIEW_PORT=$(free_port)
review_conf "max_connections = 8;"
start_serve "$conf"
wait_listen "$REVIEW_PORT" "$SERVE_PID" || { echo "no review page" >&2; exit 99; }

printf '%s\r\n' 'From: Priya Raman <priya.raman@example.com>' \
    'To: genetics-residency@harborview.edu' 'Subject: Update' \
    "Date: $(date -R)" 'Message-ID: <probe@example.com>' '' \
    'Dear Dr. [Last Name],' '' 'My paper was accepted.' '' 'Priya Raman' \
    >"$MG_WORK/held.eml"
swaks --server 127.0.0.1 --port "$SERVE_PORT" -f priya.raman@example.com \
    -t genetics-residency@harborview.edu --data "@$MG_WORK/held.eml" \
    >"$MG_WORK/swaks.out" 2>&1
env=$(ls "$XDG_STATE_HOME/matchguard/held/"*.env 2>/dev/null | head -1)
[ -n "$env" ] || { echo "the letter was not held: $(tail -3 "$MG_WORK/swaks.out")" >&2; exit 99; }
id=$(basename "$env" .env)
token=$(cat "$XDG_STATE_HOME/matchguard/review-token")

/usr/bin/python3 "$MG_SRCDIR/tests/integration/review_probe.py" \
    "$REVIEW_PORT" "$token" "$SERVE_PORT" "$id" || MG_FAILS=$((MG_FAILS + 1))

[ -f "$env" ] && pass "the held letter is still held" || fail "the held letter is gone"
# 200 connections past the limit: MHD says so each time, the log a few times.
/usr/bin/python3 - "$REVIEW_PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(8)]
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
    except OSError:
        pass
PY
sleep 0.5
n=$(grep -c 'review page' "$MG_WORK/serve.log")
[ "$n" -le 25 ] && pass "serve's log has $n lines of the review page" ||
    fail "serve's log has $n lines of the review page: $(sort "$MG_WORK/serve.log" | uniq -c | sort -rn | head -3)"
if grep -q 'not the first option' "$MG_WORK/serve.log"; then
	fail "MHD logs past matchguard's log: $(grep 'first option' "$MG_WORK/serve.log")"
else
	pass "MHD's messages go through matchguard's log"
fi
if grep -q "$token" "$MG_WORK/serve.log"; then
	fail "the token is in serve's log"
else
	pass "the token is not in serve's log"
fi

# Another user holds the review port (serve could not take it): review-url
# must not hand them the token through the browser.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
    id nobody >/dev/null 2>&1; then
	SQUAT=$(free_port)
	setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
time.sleep(30)' "$SQUAT" &
	SQUAT_PID=$!
	wait_listen "$SQUAT" "$SQUAT_PID" || fail "the squatter did not listen"
	sed "s/^review = { port = [0-9]*;/review = { port = $SQUAT;/" "$conf" \
	    >"$MG_WORK/squat.conf"
	expect_status 2 "review-url with the port held by another user" \
	    "$MG_BIN" -c "$MG_WORK/squat.conf" review-url
	one_line_error "review\.port $SQUAT on 127\.0\.0\.1 is held by another user" \
	    "review-url says who holds the port"
	grep -q "$token" "$MG_WORK/out" "$MG_WORK/err" &&
	    fail "review-url printed the token all the same"
	kill "$SQUAT_PID" 2>/dev/null
	wait "$SQUAT_PID" 2>/dev/null
	expect_status 0 "review-url with the port free again" \
	    "$MG_BIN" -c "$MG_WORK/squat.conf" review-url
else
	echo "(not root, or no setpriv: the port held by another user is not tried)"
fi
finish
