#!/bin/sh
# cross-protocol.sh - a web page can make a browser send an HTTP request
# to the guard's port, with SMTP commands in its body (issue 9).  Against
# serve relaying to a real SMTP server (upstream.py): a real HTTP POST
# (curl, and Python's urllib) whose body is a whole SMTP transaction; the
# same POST sent only after the greeting (a slow browser), so that the
# line check and not the pre-greet test stops it; a header line after
# EHLO; a client that talks before the greeting; three unknown commands.
# Each must be dropped at once with nothing relayed, and logged; a real
# mail client must still get through.  Then again with greet_pause = 0.

. "$MG_SRCDIR/tests/integration/lib.sh"
need swaks
need curl
need_aiosmtpd

trap 'stop_serve; stop_upstream; rm -rf "$MG_WORK"' EXIT
start_upstream
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
# write_conf EXTRA-SMTP-SETTINGS
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e "s#max_sessions = 16;#max_sessions = 16; $1#" \
	    -e '/^upstream = {/,/^};/d' \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	cat >>"$conf" <<CONF
upstream = { type = "smtp"; host = "127.0.0.1"; port = $PORT; tls = "none";
             auth = "none"; timeout = 5; };
CONF
}
write_conf ""
start_serve "$conf"

upstream_count() { ls "$UP_OUT" 2>/dev/null | grep -c '\.eml$'; }

# The body a web page would post: a whole SMTP transaction.
printf '%s\r\n' 'EHLO evil.test' 'MAIL FROM:<priya.raman@example.com>' \
    'RCPT TO:<victim@example.org>' 'DATA' 'Subject: sent by a web page' '' \
    'This must never be relayed.' '.' 'QUIT' >"$MG_WORK/body"

# probe NAME MODE: a raw client (python) in MODE; prints what it saw.
probe() {
	"$PY" - "$SERVE_PORT" "$2" "$MG_WORK/body" <<'PY'
import socket, sys, time
port, mode, body = int(sys.argv[1]), sys.argv[2], open(sys.argv[3], "rb").read()
post = (b"POST /send HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
        b"Content-Type: text/plain\r\nOrigin: http://evil.test\r\n"
        b"Content-Length: %d\r\n\r\n" % (port, len(body)) + body)
s = socket.create_connection(("127.0.0.1", port), 5)
t0 = time.monotonic()
got = []
def lines():
    buf = b""
    while True:
        try:
            d = s.recv(4096)
        except (ConnectionResetError, socket.timeout) as e:
            got.append(type(e).__name__)
            return
        if not d:
            got.append("EOF")
            return
        buf += d
        while b"\r\n" in buf:
            l, _, buf = buf.partition(b"\r\n")
            got.append(l.decode("utf-8", "replace"))
if mode == "pregreet":
    s.sendall(b"EHLO eager.test\r\nMAIL FROM:<a@example.com>\r\n")
    lines()
else:
    f = s.makefile("rb")
    got.append(f.readline().decode().strip())
    if mode == "post-after-greeting":
        s.sendall(post)
    elif mode == "header-after-ehlo":
        s.sendall(b"EHLO browser.test\r\n")
        while True:
            l = f.readline().decode().strip()
            got.append(l)
            if l[3:4] != "-":
                break
        s.sendall(b"User-Agent: Mozilla/5.0\r\n" + body)
    elif mode == "unknown":
        s.sendall(b"FOO\r\nBAR\r\nBAZ\r\nQUUX\r\nNOOP\r\n")
    f.close()
    lines()
print("%.2f s: %s" % (time.monotonic() - t0, " | ".join(got)))
PY
}

# check_probe NAME MODE WANT-REGEX LOG-REGEX
check_probe() {
	before=$(upstream_count)
	out=$(probe "$1" "$2")
	if echo "$out" | grep -Eq "$3"; then
		pass "$1: $out"
	else
		fail "$1: got $out, wanted /$3/"
	fi
	[ "$(upstream_count)" = "$before" ] || fail "$1: something reached upstream"
	grep -Eq "$4" "$MG_WORK/serve.log" || fail "$1: no log line /$4/"
}

# A real HTTP POST: curl sends it as soon as it is connected, before the
# greeting.  It must come back at once (no hang until a timeout) with no
# HTTP answer, and nothing may reach upstream.
http_posts() {
	before=$(upstream_count)
	t0=$(date +%s%3N)
	curl -sS -m 10 -o "$MG_WORK/curl.out" -H 'Content-Type: text/plain' \
	    --data-binary "@$MG_WORK/body" "http://127.0.0.1:$SERVE_PORT/send" \
	    2>"$MG_WORK/curl.err"
	st=$?
	took=$(($(date +%s%3N) - t0))
	if [ "$st" -ne 0 ] && [ "$st" -ne 28 ]; then
		pass "$1: curl POST dropped (exit $st after $took ms: $(head -c 120 "$MG_WORK/curl.err"))"
	else
		fail "$1: curl POST exit $st (28 is a timeout): $(cat "$MG_WORK/curl.err")"
	fi
	out=$("$PY" - "$SERVE_PORT" "$MG_WORK/body" <<'PY'
import sys, time, urllib.request
port, body = int(sys.argv[1]), open(sys.argv[2], "rb").read()
req = urllib.request.Request("http://127.0.0.1:%d/" % port, data=body,
                             headers={"Content-Type": "text/plain"})
t0 = time.monotonic()
try:
    r = urllib.request.urlopen(req, timeout=10)
    print("answered %d %r" % (r.status, r.read(200)))
except Exception as e:
    print("dropped after %.2f s: %s: %s" % (time.monotonic() - t0,
                                            type(e).__name__, e))
PY
)
	case $out in
	dropped*timed\ out*|answered*) fail "$1: urllib POST: $out" ;;
	dropped*) pass "$1: urllib POST $out" ;;
	*) fail "$1: urllib POST: $out" ;;
	esac
	sleep 0.3
	[ "$(upstream_count)" = "$before" ] || fail "$1: a POST reached upstream"
}

http_posts "greet_pause 100 ms"
grep -Eq "refused a connection from 127.0.0.1:[0-9]+: it sent data before the greeting|closed the connection from 127.0.0.1:[0-9]+: it sent HTTP" \
    "$MG_WORK/serve.log" || fail "the POSTs are not logged"

check_probe "a POST sent after the greeting" post-after-greeting \
    '^[0-9.]+ s: 220 .* \| 554 5\.7\.0 .*not a web server.* \| (EOF|ConnectionResetError)$' \
    'closed the connection from 127\.0\.0\.1:[0-9]+: it sent HTTP, not SMTP'
check_probe "a header line after EHLO" header-after-ehlo \
    '\| 250 [^|]* \| 554 5\.7\.0 [^|]* \| (EOF|ConnectionResetError)$' \
    'it sent HTTP, not SMTP'
check_probe "a client that talks before the greeting" pregreet \
    '^[0-9.]+ s: 554 5\.5\.0 [^|]*before the greeting[^|]* \| (EOF|ConnectionResetError)$' \
    'refused a connection from 127\.0\.0\.1:[0-9]+: it sent data before the greeting'
check_probe "three unknown commands" unknown \
    '^[0-9.]+ s: 220 .* \| 502 5\.5\.1 [^|]* \| 502 [^|]* \| 502 [^|]* \| 421 4\.7\.0 [^|]* \| (EOF|ConnectionResetError)$' \
    'closed the connection from 127\.0\.0\.1:[0-9]+: too many unknown commands'
if grep -q 'sent by a web page' "$UP_OUT"/*.eml 2>/dev/null; then
	fail "the web page's letter reached upstream"
fi

# A real mail client still gets through (and so the checks above could
# have seen a relayed letter).
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from priya.raman@example.com \
    --to aunt@example.org --header "Subject: still works" \
    --body "Dear Aunt Maya, hello." >"$MG_WORK/swaks.out" 2>&1
if grep -q "<.* 250 2.0.0 relayed" "$MG_WORK/swaks.out" && [ "$(upstream_count)" = 1 ]; then
	pass "swaks: relayed, upstream has 1 letter"
else
	fail "swaks: $(grep '<' "$MG_WORK/swaks.out" | tail -2); upstream has $(upstream_count)"
fi

# greet_pause = 0: the greeting goes at once; the request line itself
# ends the session (or the bytes are already there: pre-greet).
stop_serve
write_conf "greet_pause = 0;"
start_serve "$conf"
http_posts "greet_pause 0"
check_probe "greet_pause 0: a POST sent after the greeting" post-after-greeting \
    '\| 554 5\.7\.0 .*not a web server' 'it sent HTTP, not SMTP'
grep -E "refused a connection|closed the connection" "$MG_WORK/serve.log" | \
    sed 's/^/log: /'
kill -0 "$SERVE_PID" 2>/dev/null && pass "serve is still running" || fail "serve died"
finish
