#!/usr/bin/python3
"""killserve.py - kill -9 `matchguard serve` at random points while clients
submit messages, then check that nothing acknowledged was lost.

  killserve.py --bin MG_BIN --conf CONF --port PORT --state DIR
               --upstream DIR --log LOG [--n 200] [--workers 4] [--seed S]
               [--kills 10] [--relay-only] [--max-duplicates N]

Starts serve itself (its stderr appended to LOG), and while
WORKERS client threads submit N messages over SMTP (each on a new
connection, tried again when the connection is cut), a killer thread
sends SIGKILL to serve at ten random points of the run (counted in
finished submissions, so that fast and slow machines see as many kills)
and restarts it each time.
One message in three is to a program with a template slot left in it
(held), the others go to a program or to a non-program (relayed to the
upstream server, tests/integration/upstream.py, in --upstream).

Afterwards, for every message a client got a 250 for: held ones (the ID
is in the reply) are in DIR/held, both files complete and the message
byte for byte; relayed ones are upstream byte for byte.  No .env in the
spool lacks its .eml; `matchguard queue` lists every held ID and shows
each; the ledger passes PRAGMA integrity_check (sqlite3, when installed)
and `matchguard check` opens it.  Prints "duplicates: N of M", the letters
found upstream more than once (a client sent again a letter whose first
copy upstream took just before a kill), and fails when N is above
--max-duplicates.  --relay-only sends every letter to a non-program (none
held).  Prints "ok: ..." and "FAIL: ..." lines; exits 1 on any failure.
"""

import argparse
import glob
import os
import random
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time

FAILS = []
CUT = []


def fail(msg):
    FAILS.append(msg)
    print("FAIL: " + msg, flush=True)


def ok(msg):
    print("ok: " + msg, flush=True)


RELAY_ONLY = False


def message(i, held):
    to = ("genetics-residency@harborview.edu" if held or
          (i % 3 == 1 and not RELAY_ONLY) else "aunt%d@example.org" % i)
    greeting = "Dear Dr. [Last Name]," if held else "Dear Dr. Marchetti,"
    body = [
        "From: Priya Raman <priya.raman@example.com>",
        "To: " + to,
        "Subject: Question %d about the rotation schedule" % i,
        "Date: Wed, 11 Nov 2026 09:00:00 -0500",
        "Message-ID: <kill-%d@example.com>" % i,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        greeting,
        "",
        "I would like to ask one short question (number %d) about the" % i,
        "schedule of the metabolic clinic rotation in the second year.",
        ".A line that starts with a dot.",
        "",
        "Priya Raman",
    ]
    body += ["padding line %d of message %d" % (k, i)
             for k in range(random.randint(0, 400))]
    return to, ("\r\n".join(body) + "\r\n").encode()


class Serve:
    def __init__(self, args):
        self.args = args
        self.proc = None
        self.kills = 0
        self.log = open(args.log, "ab")

    def start(self):
        self.proc = subprocess.Popen(
            [self.args.bin, "-c", self.args.conf, "serve"],
            stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.args.port),
                                         0.5).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.02)
        raise RuntimeError("serve did not start (exit %s)" % self.proc.poll())

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.kills += 1

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def submit_once(port, to, data):
    s = smtplib.SMTP("127.0.0.1", port, timeout=30)
    try:
        s.ehlo("client.test")
        s.mail("priya.raman@example.com")
        code, resp = s.rcpt(to)
        if code == 250:
            code, resp = s.data(data)
            # A mail client that got its reply to DATA is done with the
            # letter: losing the connection during QUIT does not make it
            # send the letter again.
            try:
                s.quit()
            except (OSError, smtplib.SMTPException):
                pass
        return code, resp.decode()
    finally:
        s.close()


def submit(port, i, held, results):
    """Like a mail client: a message without an answer stays in the outbox
    and is tried again (up to 20 times)."""
    to, data = message(i, held)
    for _ in range(20):
        try:
            code, text = submit_once(port, to, data)
            results[i] = (code, text, data)
            return
        except (OSError, smtplib.SMTPException) as e:
            results[i] = (None, type(e).__name__, data)
            CUT.append(i)
            time.sleep(0.05)


def run(args):
    random.seed(args.seed)
    serve = Serve(args)
    serve.start()
    results = {}
    todo = list(range(args.n))
    lock = threading.Lock()
    done = threading.Event()

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop(0)
            submit(args.port, i, i % 3 == 0 and not RELAY_ONLY, results)

    # Kills at random points of the run, counted in finished submissions
    # rather than in time, so that a fast machine sees as many as a slow
    # one; a random delay within each point puts the kill anywhere in a
    # session (greeting, DATA, the policy, the fsync, the relay).
    points = sorted(random.sample(range(5, args.n - 10), args.kills))

    def killer():
        for p in points:
            while len(results) < p and not done.is_set():
                time.sleep(0.005)
            if done.is_set():
                break
            time.sleep(random.uniform(0, 0.03))
            serve.kill9()
            serve.start()

    workers = [threading.Thread(target=worker) for _ in range(args.workers)]
    k = threading.Thread(target=killer)
    for t in workers:
        t.start()
    k.start()
    for t in workers:
        t.join()
    done.set()
    k.join()
    serve.stop()
    return serve.kills, results


def upstream_messages(updir):
    got = {}
    for path in glob.glob(os.path.join(updir, "*.eml")):
        with open(path, "rb") as f:
            data = f.read()
        m = re.search(rb"Message-ID: <kill-(\d+)@", data)
        if m:
            got.setdefault(int(m.group(1)), []).append(data)
    return got


def check(args, kills, results):
    acked = {i: r for i, r in results.items() if r[0] == 250}
    refused = [i for i, r in results.items() if r[0] is not None
               and r[0] != 250]
    cut = [i for i, r in results.items() if r[0] is None]
    ok("%d submissions, %d serve processes killed with SIGKILL, %d "
       "connections cut or refused and tried again: %d got 250, %d another "
       "reply, %d no reply after 20 tries" % (len(results), kills, len(CUT),
                                             len(acked), len(refused),
                                             len(cut)))
    if len(results) != args.n:
        fail("only %d of %d submissions finished" % (len(results), args.n))
    if kills < min(5, args.kills):
        fail("only %d kills" % kills)
    if len(acked) < args.n // 4:
        fail("too few messages got 250 to say anything (%d)" % len(acked))
    for i in refused:
        if not 400 <= results[i][0] < 500:
            fail("message %d: unexpected reply %s %s" %
                 (i, results[i][0], results[i][1]))
    upstream = upstream_messages(args.upstream)
    held_dir = os.path.join(args.state, "held")
    n_held = n_relayed = 0
    for i, (code, text, data) in sorted(acked.items()):
        m = re.search(r"held for review ([0-9a-z-]+)", text)
        if m:
            n_held += 1
            hid = m.group(1)
            try:
                with open(os.path.join(held_dir, hid + ".eml"), "rb") as f:
                    if f.read() != data:
                        fail("held message %d (%s) is not what was sent" %
                             (i, hid))
                with open(os.path.join(held_dir, hid + ".env")) as f:
                    env = f.read()
                if not env.endswith("\n") or "rcpt " not in env:
                    fail("held message %d (%s): envelope incomplete" %
                         (i, hid))
            except OSError as e:
                fail("message %d got 250 (%s) but is not held: %s" %
                     (i, text, e))
        else:
            n_relayed += 1
            if data not in upstream.get(i, []):
                fail("message %d got 250 (%s) but is not upstream" %
                     (i, text))
    ok("%d acknowledged as held, %d as relayed: every one found, byte for "
       "byte" % (n_held, n_relayed) if not FAILS else
       "%d held, %d relayed checked" % (n_held, n_relayed))
    dups = sorted(i for i, copies in upstream.items() if len(copies) > 1)
    print("duplicates: %d of %d (letters upstream more than once, of the "
          "letters upstream)%s" % (len(dups), len(upstream),
                                   ": " + " ".join(map(str, dups[:20]))
                                   if dups else ""), flush=True)
    if args.max_duplicates is not None and len(dups) > args.max_duplicates:
        fail("%d letters went upstream twice, more than %d" %
             (len(dups), args.max_duplicates))

    # The spool: every entry whole; temporary files hidden from the queue.
    names = os.listdir(held_dir) if os.path.isdir(held_dir) else []
    for n in names:
        if n.endswith(".env") and not n.startswith(".") and \
                n[:-4] + ".eml" not in names:
            fail("spool: %s has no .eml" % n)
    tmps = [n for n in names if n.endswith(".tmp")]
    orphans = [n for n in names if n.endswith(".eml") and
               not n.startswith(".") and n[:-4] + ".env" not in names]
    q = subprocess.run([args.bin, "-c", args.conf, "queue"],
                       capture_output=True, text=True)
    if q.returncode != 0:
        fail("matchguard queue: exit %d: %s" % (q.returncode, q.stderr))
    listed = set(re.findall(r"^(\d{8}-\d{6}-[0-9a-f]{8})", q.stdout, re.M))
    for i, (code, text, data) in acked.items():
        m = re.search(r"held for review ([0-9a-z-]+)", text)
        if m and m.group(1) not in listed:
            fail("queue does not list held message %s" % m.group(1))
    if ".tmp" in q.stdout:
        fail("queue lists a temporary file")
    for hid in sorted(listed):
        s = subprocess.run([args.bin, "-c", args.conf, "queue", "show", hid],
                           capture_output=True, text=True)
        if s.returncode != 0:
            fail("queue show %s: exit %d: %s" % (hid, s.returncode,
                                                 s.stderr.strip()))
    ok("queue lists %d held messages and shows each; the kills left %d "
       "temporary file(s) and %d .eml without .env, none listed" %
       (len(listed), len(tmps), len(orphans)))

    ledger = os.path.join(args.state, "ledger.sqlite")
    if shutil.which("sqlite3"):
        r = subprocess.run(["sqlite3", ledger, "PRAGMA integrity_check;"],
                           capture_output=True, text=True)
        if r.stdout.strip() != "ok":
            fail("ledger integrity_check: %s %s" % (r.stdout, r.stderr))
        else:
            ok("ledger: PRAGMA integrity_check says ok")
    path = os.path.join(os.path.dirname(args.conf), "probe.eml")
    with open(path, "wb") as f:
        f.write(message(args.n + 1, False)[1])
    r = subprocess.run([args.bin, "-c", args.conf, "check", path],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        fail("matchguard check after the kills: exit %d: %s" %
             (r.returncode, r.stderr))
    else:
        ok("matchguard check opens the ledger (exit %d)" % r.returncode)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", required=True)
    p.add_argument("--conf", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--state", required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--seed", type=int, default=int(time.time()))
    p.add_argument("--kills", type=int, default=10)
    p.add_argument("--relay-only", action="store_true",
                   help="every letter to a non-program (none held)")
    p.add_argument("--max-duplicates", type=int, default=None)
    args = p.parse_args()
    global RELAY_ONLY
    RELAY_ONLY = args.relay_only
    print("seed %d" % args.seed, flush=True)
    kills, results = run(args)
    check(args, kills, results)
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
