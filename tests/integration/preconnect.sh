#!/bin/sh
# preconnect.sh - idle connections cannot keep the user's mail client out
# (issue 9, the review: a web page with <link rel=preconnect> hints to
# 127.0.0.1:PORT makes Chromium open sockets, as the user's uid, that send
# nothing; they held all 16 sessions for 60 s and more, and the user's
# letters got 421).  Against serve relaying to a real SMTP server
# (upstream.py), max_sessions = 8, first_command_timeout = 4 s:
#   - a client that sends nothing after the greeting gets "421 4.4.2 ...
#     no command in time" after 4 s, and is logged;
#   - 24 idle sockets of the user (Python): 8 are greeted, and once they
#     have been idle a second, each of the user's 5 letters is relayed at
#     the first try, the oldest idle one being closed with 421 to make
#     room;
#   - a real headless Chromium on a page with preconnect hints (and frames
#     of two other loopback origins with more): it holds all 8 sessions,
#     the user's 3 letters are relayed at the first try, and its sockets
#     are gone after first_command_timeout.  Skipped (said so) without
#     chromium.
# Prints what it measured.

. "$MG_SRCDIR/tests/integration/lib.sh"
need_aiosmtpd
need ss

CHROME_PID= WWW_PID=
trap '[ -n "$CHROME_PID" ] && kill $CHROME_PID 2>/dev/null; [ -n "$WWW_PID" ] && kill $WWW_PID 2>/dev/null; stop_serve; stop_upstream; rm -rf "$MG_WORK"' EXIT
start_upstream
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\", \"[::1]:$SERVE_PORT\" ];#" \
    -e "s#max_sessions = 16;#max_sessions = 8; first_command_timeout = 4; log_interval = 1;#" \
    -e '/^upstream = {/,/^};/d' \
    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
cat >>"$conf" <<CONF
upstream = { type = "smtp"; host = "127.0.0.1"; port = $PORT; tls = "none";
             auth = "none"; timeout = 5; };
CONF
upstream_count() { ls "$UP_OUT" 2>/dev/null | grep -c '\.eml$'; }
# evictions: connections closed to make room so far, by the log (one line
# an interval, log_interval = 1 s here, and then a count).
evictions() {
	sed -n -e 's/.*closed the connection from .* to make room.*/1/p' \
	    -e 's/^matchguard: \([0-9]*\) more idle connections closed to make room.*/\1/p' \
	    "$MG_WORK/serve.log" | awk '{ n += $1 } END { print n + 0 }'
}
# held: connections to serve's port that serve has accepted right now.
held() { ss -tnH state established "( sport = :$SERVE_PORT )" | wc -l; }

cat >"$MG_WORK/letters.py" <<'PY'
import smtplib, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
codes = []
for i in range(n):
    msg = ("From: priya.raman@example.com\r\nTo: aunt@example.org\r\n"
           "Subject: preconnect %d %f\r\n\r\nDear Aunt Maya, %d.\r\n" % (i, time.time(), i))
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=20) as c:
            c.ehlo("client.test")
            c.mail("priya.raman@example.com")
            c.rcpt("aunt@example.org")
            codes.append(c.data(msg.encode())[0])
    except smtplib.SMTPResponseException as e:
        codes.append(e.smtp_code)
    except (OSError, smtplib.SMTPException) as e:
        codes.append(type(e).__name__)
print("codes: " + " ".join(map(str, codes)))
PY
letters() { "$PY" "$MG_WORK/letters.py" "$SERVE_PORT" "$1"; }
all_relayed() {
	want="codes: $(yes 250 | head -n "$3" | tr '\n' ' ' | sed 's/ $//')"
	[ "$2" = "$want" ] && pass "$1: $2" || fail "$1: $2"
}

start_serve "$conf"

# One client that says nothing.
out=$("$PY" - "$SERVE_PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
s.settimeout(15)
f = s.makefile("rb")
first = f.readline().decode().strip()
t0 = time.monotonic()
l = f.readline().decode().strip()
print("%s | %s after %.1f s | then %s" % (first, l, time.monotonic() - t0,
                                          f.readline().decode() or "EOF"))
PY
)
case $out in
"220 "*"| 421 4.4.2 "*"no command in time"*" after "[345].*" s | then EOF")
	pass "silent after the greeting: $out" ;;
*) fail "silent after the greeting (first_command_timeout 4 s): $out" ;;
esac
grep -q "it sent no command within 4 s of the greeting" "$MG_WORK/serve.log" || \
	fail "the first-command timeout is not logged"

# 24 idle sockets of the user, then letters.
out=$("$PY" - "$SERVE_PORT" "$MG_WORK/letters.py" <<'PY'
import socket, subprocess, sys, time
port = int(sys.argv[1])
idle = [socket.create_connection(("127.0.0.1", port), 5) for _ in range(24)]
time.sleep(1.5)     # greeted, and idle for longer than a mail client ever is
got = []
for s in idle:
    s.setblocking(False)
    try:
        got.append(s.recv(4096).decode()[:3] or "EOF")
    except BlockingIOError:
        got.append("-")
print("24 idle: %d greeted, %d refused with 421" % (got.count("220"), got.count("421")))
r = subprocess.run([sys.executable, sys.argv[2], str(port), "5"],
                   capture_output=True, text=True)
print(r.stdout.strip())
closed = 0
for s, g in zip(idle, got):
    try:
        d = s.recv(4096)
        closed += g == "220" and (d == b"" or b"421 " in d)
    except BlockingIOError:
        pass
    except OSError:
        closed += g == "220"
print("%d of the greeted idle ones closed to make room" % closed)
PY
)
echo "$out"
all_relayed "the user's letters beside 8 idle sockets" "$(echo "$out" | grep '^codes:')" 5
case $out in
*"24 idle: 8 greeted, 16 refused with 421"*) pass "8 of 24 idle sockets greeted, the rest refused" ;;
*) fail "24 idle sockets: $(echo "$out" | head -1)" ;;
esac
sleep 1.2
[ "$(evictions)" -ge 1 ] || fail "no idle connection was closed to make room"

# A real Chromium and a page of preconnect hints.
chrome=
for c in chromium chromium-browser google-chrome; do
	command -v "$c" >/dev/null 2>&1 && { chrome=$c; break; }
done
if [ -z "$chrome" ]; then
	echo "no chromium here: the browser case is skipped"
	finish
fi
sleep 5		# the idle sockets above are gone (first_command_timeout)
HP=$(free_port)
mkdir -p "$MG_WORK/www"
hints() {
	for h in 127.0.0.1 localhost "[::1]"; do
		echo "<link rel=preconnect href=\"http://$h:$SERVE_PORT\">"
		echo "<link rel=preconnect href=\"http://$h:$SERVE_PORT\" crossorigin>"
	done
}
{ echo "<!doctype html><html><head>"; hints; echo "</head><body>"
  for h in 127.0.0.2 127.0.0.3; do echo "<iframe src=\"http://$h:$HP/frame.html\"></iframe>"; done
  echo "</body></html>"; } >"$MG_WORK/www/hold.html"
{ echo "<!doctype html><html><head>"; hints; echo "</head><body>frame</body></html>"; } \
    >"$MG_WORK/www/frame.html"
"$PY" - "$HP" "$MG_WORK/www" >"$MG_WORK/www.log" 2>&1 <<'PY' &
import functools, http.server, sys, threading
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[2])
srvs = [http.server.ThreadingHTTPServer((a, int(sys.argv[1])), h)
        for a in ("127.0.0.1", "127.0.0.2", "127.0.0.3")]
for s in srvs[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
srvs[0].serve_forever()
PY
WWW_PID=$!
sleep 0.5
: >"$MG_WORK/serve.log.before"
before=$(held)
"$chrome" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-background-networking --no-first-run \
    --user-data-dir="$MG_WORK/profile" "http://127.0.0.1:$HP/hold.html" \
    >"$MG_WORK/chrome.log" 2>&1 &
CHROME_PID=$!
sleep 3
n=$(held)
if ! grep -q "GET /hold.html" "$MG_WORK/www.log"; then
	echo "chromium did not load the page (skipped): $(tail -3 "$MG_WORK/chrome.log")"
	finish
fi
echo "chromium holds $n connections to serve's port (before it: $before)"
[ "$n" -ge 8 ] && pass "chromium's preconnections hold all 8 sessions" || \
	echo "(this chromium opened fewer than 8: the case shows less)"
sleep 1.2
evicted=$(evictions)
out=$(letters 3)
all_relayed "the user's letters while chromium holds its preconnections" "$out" 3
sleep 1.2
echo "preconnections closed to make room for them: $(($(evictions) - evicted))"
[ "$n" -lt 8 ] || [ "$(evictions)" -gt "$evicted" ] || \
	fail "no preconnection was closed for the letters"
sleep 5
n2=$(held)
echo "5 s later (first_command_timeout 4 s): $n2 connections held"
[ "$n2" = 0 ] && pass "chromium's sockets are gone after first_command_timeout" || \
	fail "chromium still holds $n2 connections"
kill "$CHROME_PID" 2>/dev/null
wait "$CHROME_PID" 2>/dev/null
CHROME_PID=
[ "$(upstream_count)" = 8 ] || fail "upstream has $(upstream_count) letters, wanted 8"
finish
