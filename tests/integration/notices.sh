#!/bin/sh
# notices.sh - the notices of held letters under a hostile IMAP server,
# then against a real Dovecot.
#
# 1. An IMAP server that lets serve log in and never answers APPEND
#    (stallimap.py).  300 held letters go through serve from 4 SMTP
#    clients: every client gets its 250 at once, serve's thread count
#    (/proc/PID/status Threads:) stays bounded (one worker for notices,
#    not one thread per letter), and at SIGTERM serve stops within its
#    grace period and logs one line for each held letter whose notice is
#    still to be sent.
# 2. serve started again against Dovecot sends each of them: exactly one
#    notice per held letter in the INBOX.
# 3. `matchguard sendmail` puts its notice in the INBOX before it exits.
# 4. serve started once more sends none of them again.

. "$MG_SRCDIR/tests/integration/lib.sh"
. "$MG_SRCDIR/tests/integration/imap_lib.sh"
need_dovecot
need_aiosmtpd

N=300
STALL_PID=
trap 'stop_serve; [ -n "$STALL_PID" ] && kill $STALL_PID 2>/dev/null; stop_dovecot; rm -rf "$MG_WORK"' EXIT

STALL_PORT=$(free_port)
"$PY" "$MG_SRCDIR/tests/integration/stallimap.py" --listen "127.0.0.1:$STALL_PORT" \
    >"$MG_WORK/stall.log" 2>&1 &
STALL_PID=$!
for _ in $(seq 50); do
	grep -q '^ready$' "$MG_WORK/stall.log" && break
	sleep 0.1
done
grep -q '^ready$' "$MG_WORK/stall.log" || { echo "stallimap.py did not start" >&2; exit 99; }

SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
# write_conf IMAP-PORT IMAP-SETTINGS
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	printf 'imap = { host = "127.0.0.1"; port = %s; tls = "none"; user = "priya"; password = "secret"; %s };\n' \
	    "$1" "$2" >>"$conf"
}
mg() { "$MG_BIN" -c "$conf" "$@"; }
held_dir="$XDG_STATE_HOME/matchguard/held"

# 1. The stalling server.  A queue of 100: the other letters find it full.
write_conf "$STALL_PORT" 'timeout = 600; notice_queue = 100;'
start_serve "$conf"
"$PY" - "$SERVE_PORT" "$SERVE_PID" "$N" >"$MG_WORK/send.out" <<'PY'
import smtplib, sys, threading, time
port, pid, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ids, slow, peak = [], [], [0]
done = threading.Event()

def threads():
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0

def sampler():
    while not done.is_set():
        try:
            peak[0] = max(peak[0], threads())
        except OSError:
            pass
        time.sleep(0.02)

# The reply text carries the ID: MAIL, RCPT and DATA by hand.
def client_ids(k):
    s = smtplib.SMTP("127.0.0.1", port, timeout=60)
    s.ehlo("client.test")
    for i in range(k, n, 4):
        msg = ("From: Priya Raman <priya.raman@example.com>\r\n"
               "To: genetics-residency@harborview.edu\r\n"
               "Subject: Question %d about the rotations\r\n"
               "Message-ID: <notice-%d@example.com>\r\n\r\n"
               "Dear Dr. [Last Name],\r\n\r\nQuestion %d.\r\n" % (i, i, i))
        t0 = time.monotonic()
        s.mail("priya.raman@example.com")
        s.rcpt("genetics-residency@harborview.edu")
        code, text = s.data(msg.encode())
        slow.append(time.monotonic() - t0)
        text = text.decode()
        if code == 250 and "held for review " in text:
            ids.append(text.split("held for review ")[1].split(":")[0])
        else:
            print("FAIL: letter %d: %d %s" % (i, code, text))
    s.quit()

threading.Thread(target=sampler, daemon=True).start()
cs = [threading.Thread(target=client_ids, args=(k,)) for k in range(4)]
for t in cs:
    t.start()
for t in cs:
    t.join()
time.sleep(0.5)
peak[0] = max(peak[0], threads())
done.set()
print("threads %d now %d" % (peak[0], threads()))
print("slowest %.3f" % max(slow + [0]))
for i in ids:
    print("id " + i)
PY
grep FAIL "$MG_WORK/send.out" | head -5 | while read -r l; do fail "$l"; done
grep '^id ' "$MG_WORK/send.out" | cut -d' ' -f2 | sort >"$MG_WORK/ids"
nheld=$(wc -l <"$MG_WORK/ids")
if [ "$nheld" -eq "$N" ]; then
	pass "$N letters held through serve"
else
	fail "only $nheld of $N letters held: $(tail -3 "$MG_WORK/send.out")"
	finish
fi
peak=$(sed -n 's/^threads \([0-9]*\).*/\1/p' "$MG_WORK/send.out")
slowest=$(sed -n 's/^slowest //p' "$MG_WORK/send.out")
# main, the IMAP poller, the notice worker, 4 sessions: 7.
[ "$peak" -le 10 ] && pass "serve's threads peaked at $peak with every notice stalled (bound 10)" ||
    fail "serve ran $peak threads at once with the notices stalled"
awk -v s="$slowest" 'BEGIN { exit !(s < 5) }' &&
    pass "the slowest 250 for a held letter took $slowest s" ||
    fail "a held letter waited $slowest s for its 250"
appends=$(grep -c '^append$' "$MG_WORK/stall.log")
[ "$appends" -le 2 ] && pass "the stalling server saw $appends APPEND(s): one at a time" ||
    fail "the stalling server saw $appends APPENDs at once"
full=$(grep -c "imap: the notice of held message .* waits: 100 notices are queued" "$MG_WORK/serve.log")
[ "$full" -gt 0 ] && pass "$full letters found the queue of 100 full, and it is logged" ||
    fail "the queue of 100 never filled: $(grep imap: "$MG_WORK/serve.log" | tail -3)"

t0=$(date +%s)
stop_serve
t1=$(date +%s)
[ $((t1 - t0)) -le 35 ] && pass "SIGTERM: serve stopped in $((t1 - t0)) s (grace 30 s)" ||
    fail "serve took $((t1 - t0)) s to stop"
sed -n 's/.*imap: the notice of held message \([^ ]*\) is not sent yet; it will be sent at the next start$/\1/p' \
    "$MG_WORK/serve.log" | sort >"$MG_WORK/pending"
if cmp -s "$MG_WORK/ids" "$MG_WORK/pending"; then
	pass "SIGTERM logged each of the $N pending notices once"
else
	fail "pending notices logged at SIGTERM: $(wc -l <"$MG_WORK/pending") lines, not the $N held IDs: $(diff "$MG_WORK/ids" "$MG_WORK/pending" | head -5)"
fi
recorded=$(find "$held_dir" -name '*.notice' -size +0 | wc -l)
[ "$recorded" -eq 0 ] ||
    fail "$recorded notices recorded as sent though the server took none"
kill "$STALL_PID" 2>/dev/null
STALL_PID=

# 2. A real server: every pending notice goes, once.
start_dovecot
write_conf "$IMAP_PORT" 'timeout = 10; notice_queue = 100;'
: >"$MG_WORK/serve.log"
start_serve "$conf"
# count_notices: how many notices are in the INBOX Maildir.
count_notices() {
	grep -l '^Subject: Held: ' "$DV_MAILDIR"/new/* "$DV_MAILDIR"/cur/* 2>/dev/null | wc -l
}
i=0
while [ "$(grep -c 'imap: notice of held message .* put in "INBOX"' "$MG_WORK/serve.log")" -lt "$N" ] && [ $i -lt 1200 ]; do
	sleep 0.1
	i=$((i + 1))
done
sent=$(grep -c 'imap: notice of held message .* put in "INBOX"' "$MG_WORK/serve.log")
[ "$sent" -eq "$N" ] && pass "serve sent the $N pending notices at start in $((i / 10)) s" ||
    fail "serve sent $sent of $N pending notices: $(grep imap: "$MG_WORK/serve.log" | tail -3)"
cat "$DV_MAILDIR"/new/* "$DV_MAILDIR"/cur/* 2>/dev/null |
    sed -n 's/^  matchguard queue show \([^ ]*\) .*/\1/p' | sort >"$MG_WORK/noticed"
if cmp -s "$MG_WORK/ids" "$MG_WORK/noticed"; then
	pass "the INBOX has exactly one notice for each of the $N held letters"
else
	fail "INBOX notices: $(wc -l <"$MG_WORK/noticed") for $N letters; $(sort "$MG_WORK/noticed" | uniq -d | head -3 | tr '\n' ' ') twice; $(comm -23 "$MG_WORK/ids" "$MG_WORK/noticed" | head -3 | tr '\n' ' ') missing"
fi
stop_serve

# 3. sendmail sends its own notice before it exits.
printf '%s\r\n' 'From: Priya Raman <priya.raman@example.com>' \
    'To: genetics-residency@harborview.edu' 'Subject: By sendmail' \
    'Message-ID: <notice-sendmail@example.com>' '' 'Dear Dr. [Last Name],' '' \
    'A question.' >"$MG_WORK/sendmail.eml"
mg sendmail -t <"$MG_WORK/sendmail.eml" >"$MG_WORK/out" 2>"$MG_WORK/err"
grep -q "held for review" "$MG_WORK/err" && pass "sendmail held its letter" ||
    fail "sendmail: $(cat "$MG_WORK/err")"
n=$(count_notices)
[ "$n" -eq $((N + 1)) ] && pass "sendmail's notice was in the INBOX when it exited" ||
    fail "after sendmail the INBOX has $n notices, not $((N + 1)): $(cat "$MG_WORK/err")"

# 4. Nothing is sent twice.
: >"$MG_WORK/serve.log"
start_serve "$conf"
sleep 2
stop_serve
n=$(count_notices)
[ "$n" -eq $((N + 1)) ] && pass "started again, serve sent no notice twice ($n in the INBOX)" ||
    fail "the INBOX has $n notices after another start, not $((N + 1))"
grep -q "imap: notice of held message" "$MG_WORK/serve.log" &&
    fail "serve sent notices again: $(grep imap: "$MG_WORK/serve.log" | head -3)"
grep -q "not sent yet" "$MG_WORK/serve.log" &&
    fail "serve thinks notices are pending: $(grep 'not sent yet' "$MG_WORK/serve.log" | head -3)"
finish
