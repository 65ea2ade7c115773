#!/bin/sh
# faults.sh - matchguard serve when things go wrong (tests/integration/
# smtpclient.py plays the clients):
#   - the message size limit, both sides: smtp.max_message_size counts the
#     octets of the message as received after dot-unstuffing, line ends
#     included, the final CRLF.CRLF excluded; exactly the limit gets 250,
#     one octet more gets 552 5.3.4 (and so does SIZE= over it at MAIL);
#   - 200 connections at once against max_sessions = 16: whole 421 lines,
#     and the guard keeps serving;
#   - a client sending one byte a second is cut at smtp.command_timeout
#     (or, in DATA, data_timeout) with 421 4.4.2, while another client is
#     served meanwhile;
#   - the disk full, for the held spool and for the local Maildir (a 64 KB
#     tmpfs mounted over each when mount works, as root; else a file size
#     limit, RLIMIT_FSIZE): 452 4.3.1 / 451 4.3.0, nothing half-written
#     left, and once there is room again the same message gets 250;
#   - an upstream server that accepts the connection and then stalls
#     (no greeting; or no answer after the final dot) past
#     upstream.timeout: 451 4.4.1 within the timeout, nothing lost.

. "$MG_SRCDIR/tests/integration/lib.sh"
need python3

C="python3 $MG_SRCDIR/tests/integration/smtpclient.py"
MOUNTS=
cleanup() {
	stop_serve
	[ -n "${STALL_PID:-}" ] && kill "$STALL_PID" 2>/dev/null
	for m in $MOUNTS; do umount "$m" 2>/dev/null; done
	rm -rf "$MG_WORK"
}
trap cleanup EXIT

state="$XDG_STATE_HOME/matchguard"
maildir="$state/sent"
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
LIMIT=131072
# write_conf UPSTREAM-GROUP (the same message is sent again on purpose
# to other upstreams: no resend recognition)
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e "s#max_message_size = 26214400;#max_message_size = $LIMIT; command_timeout = 3; data_timeout = 3; resend_window = 0;#" \
	    -e '/^upstream = {/,/^};/d' \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	echo "upstream = { $1 };" >>"$conf"
}
write_conf 'type = "maildir";'
start_serve "$conf"

# --- the size limit, both sides
$C "$SERVE_PORT" size "$LIMIT" || fail "size limit"
f=$(ls -S "$maildir/new" | head -1)
size=$(wc -c <"$maildir/new/$f")
[ "$size" -eq "$LIMIT" ] && pass "the message of exactly the limit was stored whole ($size octets)" ||
	fail "stored $size octets, wanted $LIMIT"

# --- 200 connections at once against max_sessions = 16
$C "$SERVE_PORT" flood 200 16 || fail "flood"
kill -0 "$SERVE_PID" 2>/dev/null || fail "serve died in the flood"

# --- a slow client against command_timeout = 3
$C "$SERVE_PORT" slow 3 command || fail "slow client"
$C "$SERVE_PORT" slow 3 data || fail "slow client in DATA"

# --- the disk full
# A held message (a template slot, to a program) and a clean one, both
# bigger than the room left.
big_message() {	# ID GREETING TO
	python3 - "$@" <<'PY'
import sys
mid, greeting, to = sys.argv[1:]
head = ("From: Priya Raman <priya.raman@example.com>\r\nTo: %s\r\n"
        "Subject: Audio of my research talk\r\nMessage-ID: <%s@example.com>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "%s\r\n\r\nThank you for your time.\r\n\r\nPriya Raman\r\n" % (to, mid, greeting))
sys.stdout.write(head + ("z" * 74 + "\r\n") * 1300)
PY
}
big_message full-held "Dear Dr. [Last Name]," genetics-residency@harborview.edu \
	>"$MG_WORK/held.eml"
big_message full-clean "Dear Aunt Maya," aunt@example.org >"$MG_WORK/clean.eml"

# Fill DIR: a 64 KB tmpfs over it, else (not root) a file size limit on
# serve.  Sets $fill to "tmpfs" or "rlimit".
fill_dir() {
	mkdir -p "$1"
	if mount -t tmpfs -o size=64k,mode=0700 mgfull "$1" 2>/dev/null; then
		MOUNTS="$MOUNTS $1"
		fill=tmpfs
	else
		fill=rlimit
	fi
}
unfill_dir() {
	if [ "$fill" = tmpfs ]; then
		umount "$1"
		MOUNTS=
	fi
}
# serve again, under a 64 KB file size limit when no tmpfs could be had
restart_serve() {
	stop_serve
	if [ "$fill" = rlimit ]; then
		cat >"$MG_WORK/limited" <<SH
#!/bin/sh
exec python3 -c 'import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
os.execv(sys.argv[1], sys.argv[1:])' "$MG_BIN" "\$@"
SH
		chmod +x "$MG_WORK/limited"
		MG_BIN="$MG_WORK/limited" start_serve "$conf"
	else
		start_serve "$conf"
	fi
}

fill_dir "$state/held"
restart_serve
out=$($C "$SERVE_PORT" send "$MG_WORK/held.eml" genetics-residency@harborview.edu)
case $out in
452\ 4.3.1*) pass "spool full ($fill): $out" ;;
*) fail "spool full ($fill): wanted 452 4.3.1, got $out" ;;
esac
left=$(ls -A "$state/held")
[ -z "$left" ] && pass "spool full: nothing half-written left" ||
	fail "spool full: left behind: $left"
"$MG_BIN" -c "$conf" queue >"$MG_WORK/out" 2>&1 || fail "queue: $(cat "$MG_WORK/out")"
grep -q "No message is held" "$MG_WORK/out" || fail "queue lists something: $(cat "$MG_WORK/out")"
unfill_dir "$state/held"
[ "$fill" = rlimit ] && fill=none && restart_serve
out=$($C "$SERVE_PORT" send "$MG_WORK/held.eml" genetics-residency@harborview.edu)
case $out in
250\ 2.0.0\ held*) pass "room again: the same message is held: $out" ;;
*) fail "room again: $out" ;;
esac

fill_dir "$maildir/tmp"
restart_serve
before=$(ls "$maildir/new" | wc -l)
out=$($C "$SERVE_PORT" send "$MG_WORK/clean.eml")
case $out in
451\ 4.3.0*) pass "Maildir full ($fill): $out" ;;
*) fail "Maildir full ($fill): wanted 451 4.3.0, got $out" ;;
esac
[ -z "$(ls -A "$maildir/tmp")" ] || fail "Maildir full: left in tmp/: $(ls -A "$maildir/tmp")"
[ "$(ls "$maildir/new" | wc -l)" -eq "$before" ] || fail "Maildir full: something reached new/"
out=$($C "$SERVE_PORT" send "$MG_WORK/held.eml" genetics-residency@harborview.edu)
case $out in
250\ 2.0.0\ held*) pass "Maildir full: a held message is still taken: $out" ;;
*) fail "Maildir full, a held message: $out" ;;
esac
unfill_dir "$maildir/tmp"
[ "$fill" = rlimit ] && fill=none && restart_serve
out=$($C "$SERVE_PORT" send "$MG_WORK/clean.eml")
case $out in
250\ *) pass "room again: delivered: $out" ;;
*) fail "room again: $out" ;;
esac
grep -q "full-clean@example.com" "$maildir/new/"* || fail "the clean message is not in the Maildir"

# --- an upstream that stalls, with upstream.timeout = 2
stop_serve
STALL_PORT=$(free_port)
cat >"$MG_WORK/stall.py" <<'PY'
import socket, sys, threading, time
port, mode = int(sys.argv[1]), sys.argv[2]
ls = socket.create_server(("127.0.0.1", port))
print("ready", flush=True)
def session(c):
    f = c.makefile("rb")
    if mode == "greeting":          # accept, then say nothing at all
        time.sleep(3600)
    c.sendall(b"220 stall.test ESMTP\r\n")
    for line in f:
        cmd = line[:4].upper()
        if cmd in (b"EHLO", b"HELO"):
            c.sendall(b"250 stall.test\r\n")
        elif cmd == b"DATA":
            c.sendall(b"354 go ahead\r\n")
            for l in f:
                if l == b".\r\n":
                    break
            time.sleep(3600)        # never answers the final dot
        elif cmd == b"QUIT":
            c.sendall(b"221 bye\r\n")
            return
        else:
            c.sendall(b"250 ok\r\n")
while True:
    c, _ = ls.accept()
    threading.Thread(target=session, args=(c,), daemon=True).start()
PY
for mode in data greeting; do
	python3 "$MG_WORK/stall.py" "$STALL_PORT" "$mode" >"$MG_WORK/stall.log" 2>&1 &
	STALL_PID=$!
	for _ in $(seq 50); do grep -q ready "$MG_WORK/stall.log" && break; sleep 0.1; done
	write_conf "type = \"smtp\"; host = \"127.0.0.1\"; port = $STALL_PORT; tls = \"none\"; timeout = 2;"
	start_serve "$conf"
	t0=$(date +%s.%N)
	out=$($C "$SERVE_PORT" send "$MG_WORK/clean.eml")
	took=$(python3 -c "import time; print('%.1f' % (time.time() - $t0))")
	case $out in
	451\ 4.4.1*) pass "upstream stalls ($mode), timeout 2 s: $out ($took s)" ;;
	*) fail "upstream stalls ($mode): wanted 451 4.4.1, got $out ($took s)" ;;
	esac
	python3 -c "import sys; sys.exit(0 if $took < 6 else 1)" || fail "took $took s"
	stop_serve
	kill "$STALL_PID"
	wait "$STALL_PID" 2>/dev/null
	STALL_PID=
done
finish
