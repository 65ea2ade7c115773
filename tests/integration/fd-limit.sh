#!/bin/sh
# fd-limit.sh - no descriptor at or above FD_SETSIZE (1024) ever reaches
# libetpan's select() (issue 9: about 1,020 idle connections, then one
# relayed letter, aborted serve with "bit out of range 0 - FD_SETSIZE").
#   - serve, started with a high open-file limit, lowers its own soft
#     limit to 1024;
#   - 1,100 idle connections at once (max_sessions = 200, the most
#     allowed): 200 of them are sessions, the rest get 421 (at once, or
#     after their greeting when serve closes an idle one to make room for
#     a newer one); letters sent while the 200 sit idle are relayed, each
#     in place of an idle one; once some idle ones go, letters are relayed
#     to a real upstream (upstream.py); serve's descriptors stay below
#     1024 all along, and it stays up;
#   - relay_probe holding 1,100 descriptors: the relay refuses with 451
#     instead of handing libetpan a socket above FD_SETSIZE.
# Prints what it measured.

. "$MG_SRCDIR/tests/integration/lib.sh"
need_aiosmtpd
: "${MG_PROBE:?run through make check, or set MG_PROBE}"
[ -d /proc/self/fd ] || { echo "SKIP: no /proc"; exit 77; }
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 2400 ] || \
	{ echo "SKIP: cannot raise the open file limit to 2400 (hard $(ulimit -Hn))"; exit 77; }

trap 'stop_serve; stop_upstream; rm -rf "$MG_WORK"' EXIT
start_upstream
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
    -e "s#max_sessions = 16;#max_sessions = 200; command_timeout = 120;#" \
    -e '/^upstream = {/,/^};/d' \
    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
cat >>"$conf" <<CONF
upstream = { type = "smtp"; host = "127.0.0.1"; port = $PORT; tls = "none";
             auth = "none"; timeout = 10; };
CONF

# The bound of max_sessions is what fits under FD_SETSIZE.
sed 's/max_sessions = 200;/max_sessions = 1024;/' "$conf" >"$MG_WORK/over.conf"
printf 'From: a@example.org\r\nTo: b@example.org\r\nSubject: x\r\n\r\nx\r\n' >"$MG_WORK/probe.eml"
expect_status 2 "max_sessions = 1024" "$MG_BIN" -c "$MG_WORK/over.conf" check "$MG_WORK/probe.eml"
one_line_error 'max_sessions' "max_sessions = 1024"

start_serve "$conf"
soft=$(awk '/^Max open files/ { print $4 }' "/proc/$SERVE_PID/limits")
if [ "$soft" -le 1024 ] 2>/dev/null; then
	pass "serve's soft open file limit: $soft (the test's: $(ulimit -n))"
else
	fail "serve's soft open file limit is $soft"
fi

"$PY" - "$SERVE_PORT" "$SERVE_PID" "$UP_OUT" <<'PY' || fail "the idle flood (see above)"
import os, smtplib, socket, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

port, pid, upout = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
fails = []
peak = {"n": 0, "max": 0}
stop = threading.Event()

def sample():
    while not stop.is_set():
        try:
            fds = [int(f) for f in os.listdir("/proc/%d/fd" % pid)]
        except (FileNotFoundError, ValueError):
            fds = []
        if fds:
            peak["n"] = max(peak["n"], len(fds))
            peak["max"] = max(peak["max"], max(fds))
        time.sleep(0.02)

def letter(i, tries=1, pause=0.2):
    """Sends letter i; returns (final code, tries used)."""
    msg = ("From: priya.raman@example.com\r\nTo: aunt@example.org\r\n"
           "Subject: letter %d\r\nMessage-ID: <fd-%d@example.com>\r\n\r\n"
           "Dear Aunt Maya, letter number %d.\r\n" % (i, i, i))
    code = 0
    for t in range(1, tries + 1):
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as c:
                c.ehlo("fd.test")
                c.mail("priya.raman@example.com")
                c.rcpt("aunt@example.org")
                code, _ = c.data(msg.encode())
        except smtplib.SMTPConnectError as e:
            code = e.smtp_code
        except smtplib.SMTPResponseException as e:
            code = e.smtp_code
        except (OSError, smtplib.SMTPException) as e:
            code = -1
        if code == 250:
            return code, t
        time.sleep(pause)
    return code, tries

threading.Thread(target=sample, daemon=True).start()
time.sleep(0.5)     # start_serve's probe connection has let go of its slot
t0 = time.monotonic()
conns = []
for _ in range(1100):
    s = socket.create_connection(("127.0.0.1", port), 10)
    conns.append(s)
took = time.monotonic() - t0
time.sleep(1.0)     # every one greeted or refused by now
greeted, refused, other = [], 0, []
for s in conns:
    s.setblocking(False)
    data = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                data += b"EOF"
                break
            data += d
    except BlockingIOError:
        pass
    except OSError as e:
        data += repr(e).encode()
    if b"421 4.3.2 " in data:
        refused += 1
        s.close()
    elif data.startswith(b"220") and not data.endswith(b"EOF"):
        greeted.append(s)
    else:
        other.append(data[:60])
        s.close()
print("1100 connections in %.1f s: %d sessions, %d refused with 421, %d "
      "other %r" % (took, len(greeted), refused, len(other), other[:3]))
if len(greeted) != 200 or refused != 900:
    fails.append("wanted 200 sessions and 900 refused")

# All 200 sessions idle for more than a second: each letter is relayed,
# an idle session being closed to make room for it.
time.sleep(0.5)
codes = [letter(1000 + i)[0] for i in range(5)]
print("5 letters while 200 sessions sit idle: replies %s" % codes)
if any(c != 250 for c in codes):
    fails.append("a letter beside the idle sessions was not relayed: %s" % codes)
gone = 0
for s in greeted:
    try:
        d = s.recv(4096)
        gone += d == b"" or b"421 " in d
    except BlockingIOError:
        pass
    except OSError:
        gone += 1
print("%d idle sessions were closed to make room" % gone)

# 20 idle ones go: 10 letters at once, each retried on a 4xx.
for s in greeted[:20]:
    s.close()
greeted = greeted[20:]
time.sleep(0.5)
with ThreadPoolExecutor(10) as ex:
    res = list(ex.map(lambda i: letter(i, tries=30), range(10)))
print("10 letters at once beside 180 idle sessions: %s" %
      ", ".join("%d after %d tries" % r for r in res))
if any(c != 250 for c, _ in res):
    fails.append("not relayed beside the idle sessions: %s" % res)

# All go: 10 letters one after the other.
for s in greeted:
    s.close()
time.sleep(0.5)
res = [letter(100 + i, tries=10) for i in range(10)]
print("10 letters after the idle sessions went: %s" %
      [c for c, _ in res])
if any(c != 250 for c, _ in res):
    fails.append("not relayed after the flood: %s" % res)
stop.set()
time.sleep(0.1)
got = len([f for f in os.listdir(upout) if f.endswith(".eml")])
print("upstream received %d letters; serve's descriptors: at most %d open, "
      "highest number %d (FD_SETSIZE 1024)" % (got, peak["n"], peak["max"]))
if peak["max"] >= 1024:
    fails.append("serve had a descriptor at or above 1024")
if got < 20:
    fails.append("upstream got %d letters, wanted at least 20" % got)
try:
    os.kill(pid, 0)
except OSError:
    fails.append("serve died")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PY
if kill -0 "$SERVE_PID" 2>/dev/null; then
	pass "serve is still running"
else
	fail "serve died: $(tail -5 "$MG_WORK/serve.log")"
fi
grep -q "bit out of range\|buffer overflow" "$MG_WORK/serve.log" && fail "serve: $(grep -m1 'out of range' "$MG_WORK/serve.log")"

# A process that already holds 1,100 descriptors: the relay's socket
# would be above FD_SETSIZE, so it is refused with 451 (the message stays
# with the client) instead of crashing in select().
out=$("$PY" - "$MG_PROBE" "$conf" "$MG_WORK/probe.eml" <<'PY'
import os, subprocess, sys
# Every number from 3 to 1100 taken, so the next socket is above.
null = os.open("/dev/null", os.O_RDONLY)
for n in range(3, 1101):
    try:
        os.fstat(n)
    except OSError:
        os.dup2(null, n)
r = subprocess.run([sys.argv[1], sys.argv[2], sys.argv[3],
                    "priya.raman@example.com", "aunt@example.org"],
                   pass_fds=range(3, 1101), capture_output=True, timeout=60)
print("exit %d: %s %s" % (r.returncode, r.stdout.decode().strip(),
                          r.stderr.decode().strip()[:200]))
PY
)
case $out in
"exit 1: 451 "*"Too many open files"*) pass "relay_probe holding 1100 descriptors: $out" ;;
*) fail "relay_probe holding 1100 descriptors: $out" ;;
esac
finish
