#!/bin/sh
# auth-guess.sh - guessing the local password is slow (issue 9, the
# review: 470 guesses a second, a 4-digit smtp.local_password found in
# 21 s, a log line per try).  Against serve in password mode relaying to
# a real SMTP server (upstream.py):
#   - a smtp.local_password shorter than 12 characters is a one-line error
#     that names the setting; so is max_auth_failures = 0;
#   - a wrong login is answered 535 only after smtp.auth_fail_delay
#     (1000 ms here), a right one at once;
#   - 16 connections of another user (nobody) guessing for 5 s: after
#     smtp.max_auth_failures (6 here) failures in a minute, AUTH gets
#     454 4.7.0, at most max_auth_failures + max_sessions 535s in all;
#     the right password gets 454 too while it lasts, and 235 and its
#     letter relayed once smtp.auth_lockout (6 s here) is over;
#   - the log has one "failed login" line per smtp.log_interval (2 s
#     here) and the counts, and says once that logins are refused.
# Prints what it measured.

. "$MG_SRCDIR/tests/integration/lib.sh"
need_aiosmtpd
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	as_other() { env HOME=/ setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
else
	as_other() { "$@"; }
fi

trap 'stop_serve; stop_upstream; rm -rf "$MG_WORK"' EXIT
start_upstream
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
PW=a-long-local-password
# write_conf EXTRA-SMTP-SETTINGS
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e "s#max_sessions = 16;#max_sessions = 16; peer_check = \"password\"; local_user = \"priya\"; $1#" \
	    -e '/^upstream = {/,/^};/d' \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	cat >>"$conf" <<CONF
upstream = { type = "smtp"; host = "127.0.0.1"; port = $PORT; tls = "none";
             auth = "none"; timeout = 5; };
CONF
}
upstream_count() { ls "$UP_OUT" 2>/dev/null | grep -c '\.eml$'; }

write_conf 'local_password = "7319";'
expect_status 2 "a 4-character local_password" timeout 10 "$MG_BIN" -c "$conf" serve
one_line_error 'smtp\.local_password: has 4 characters: use at least 12' "a 4-character local_password"
write_conf "local_password = \"$PW\"; max_auth_failures = 0;"
expect_status 2 "max_auth_failures = 0" timeout 10 "$MG_BIN" -c "$conf" serve
one_line_error 'smtp\.max_auth_failures' "max_auth_failures = 0"

write_conf "local_password = \"$PW\"; auth_fail_delay = 1000; max_auth_failures = 6; auth_lockout = 6; log_interval = 2;"
start_serve "$conf"

# login PASSWORD [send]: one AUTH PLAIN; prints the code and how long the
# answer took; with "send", a letter after a 235.
cat >"$MG_WORK/login.py" <<'PY'
import base64, socket, sys, time
port, pw = int(sys.argv[1]), sys.argv[2].encode()
s = socket.create_connection(("127.0.0.1", port), 15)
f = s.makefile("rb")
def reply():
    while True:
        l = f.readline().decode().strip()
        if l[3:4] != "-":
            return l
reply()
s.sendall(b"EHLO login.test\r\n")
reply()
t0 = time.monotonic()
s.sendall(b"AUTH PLAIN " + base64.b64encode(b"\0priya\0" + pw) + b"\r\n")
r = reply()
took = time.monotonic() - t0
if r.startswith("235") and len(sys.argv) > 3:
    for c in (b"MAIL FROM:<priya.raman@example.com>", b"RCPT TO:<aunt@example.org>",
              b"DATA"):
        s.sendall(c + b"\r\n")
        reply()
    s.sendall(b"Subject: after the lockout\r\n\r\nDear Aunt Maya, hi.\r\n.\r\n")
    r += " / " + reply()
print("%s (%.2f s)" % (r, took))
PY
login() { "$PY" "$MG_WORK/login.py" "$SERVE_PORT" "$@"; }

out=$(login wrong-password)
case $out in
"535 5.7.8 "*) ;;
*) fail "a wrong login: $out" ;;
esac
took=$(echo "$out" | sed -n 's/.*(\([0-9.]*\) s)$/\1/p')
awk "BEGIN { exit !($took >= 0.9) }" && pass "a wrong login: answered after $took s: $out" || \
	fail "a wrong login was answered after $took s, before auth_fail_delay (1 s)"
out=$(login "$PW")
took=$(echo "$out" | sed -n 's/.*(\([0-9.]*\) s)$/\1/p')
case $out in
"235 "*) awk "BEGIN { exit !($took < 0.5) }" && pass "the right login: at once: $out" || \
	fail "the right login took $took s" ;;
*) fail "the right login: $out" ;;
esac

# 16 connections of another user, guessing as fast as serve lets them.
as_other "$PY" - "$SERVE_PORT" 5 16 >"$MG_WORK/guess.out" <<'PY'
import base64, socket, sys, threading, time
port, secs, nt = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
stats = {"535": 0, "454": 0, "other": 0, "conn": 0}
lock = threading.Lock()
stop = time.monotonic() + secs
def reply(f):
    while True:
        l = f.readline().decode()
        if not l or l[3:4] != "-":
            return l[:3] or "EOF"
def worker(k):
    n = 0
    while time.monotonic() < stop:
        try:
            s = socket.create_connection(("127.0.0.1", port), 10)
            f = s.makefile("rb")
            if reply(f) != "220":
                s.close()
                continue
            s.sendall(b"EHLO guess.test\r\n")
            reply(f)
            for _ in range(3):
                n += 1
                pw = b"guess-%d-%d" % (k, n)
                s.sendall(b"AUTH PLAIN " + base64.b64encode(b"\0priya\0" + pw) + b"\r\n")
                r = reply(f)
                with lock:
                    stats[r if r in ("535", "454") else "other"] += 1
                if r not in ("535", "454"):
                    break
            s.close()
            with lock:
                stats["conn"] += 1
        except OSError:
            pass
t0 = time.monotonic()
ts = [threading.Thread(target=worker, args=(k,)) for k in range(nt)]
[t.start() for t in ts]
[t.join() for t in ts]
el = time.monotonic() - t0
print("%.1f s, %d connections at a time: %d wrong guesses answered 535 (%.1f a second), "
      "%d refused with 454, %d other, %d connections"
      % (el, nt, stats["535"], stats["535"] / el, stats["454"], stats["other"], stats["conn"]))
print("535=%d 454=%d" % (stats["535"], stats["454"]))
PY
head -1 "$MG_WORK/guess.out"
n535=$(sed -n 's/^535=\([0-9]*\) .*/\1/p' "$MG_WORK/guess.out")
n454=$(sed -n 's/.* 454=\([0-9]*\)$/\1/p' "$MG_WORK/guess.out")
if [ -n "$n535" ] && [ "$n535" -le 22 ] && [ "$n454" -gt 0 ]; then
	pass "the guesser got $n535 535s (at most 6 + 16) and $n454 454s"
else
	fail "the guesser got ${n535:-?} 535s and ${n454:-?} 454s"
fi
out=$(login "$PW" send)
case $out in
"454 4.7.0 "*) pass "the right password while logins are refused: $out" ;;
*) fail "the right password while logins are refused: $out" ;;
esac
# The lockout (6 s) ends: the right password works again.
waited=0
while [ $waited -lt 15 ]; do
	out=$(login "$PW" send)
	case $out in
	"454 "*) sleep 1; waited=$((waited + 1)) ;;
	*) break ;;
	esac
done
case $out in
"235 "*" / 250 "*) pass "after the lockout ($waited s more): $out" ;;
*) fail "after the lockout: $out" ;;
esac
[ "$(upstream_count)" = 1 ] || fail "upstream has $(upstream_count) letters, wanted 1"
stop_serve
locks=$(grep -c 'failed logins within a minute: logging in is refused (454 4.7.0) for the next 6 s' "$MG_WORK/serve.log")
lines=$(grep -c 'failed login from' "$MG_WORK/serve.log")
counts=$(sed -n 's/^matchguard: \([0-9]*\) more failed logins in the last [0-9]* s$/\1/p' \
    "$MG_WORK/serve.log" | awk '{ n += $1 } END { print n + 0 }')
echo "log: $(wc -l <"$MG_WORK/serve.log") lines; $lines 'failed login' lines, counts adding to ${counts:-0}, $locks lockout line(s)"
[ "$locks" = 1 ] && pass "the lockout is logged once" || fail "lockout lines: $locks"
[ "$lines" -ge 1 ] && [ "$lines" -le 6 ] && [ "$((lines + ${counts:-0}))" -ge "$((n535 + 1))" ] && \
	pass "failed logins: $lines lines, the rest counted" || \
	fail "failed logins: $lines lines and counts ${counts:-0} for $((n535 + 1)) failures"
finish
