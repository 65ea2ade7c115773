#!/usr/bin/python3
"""run.py - feed the hostile and malformed inputs of cases.tsv to matchguard
and assert what each one gets.

  run.py --bin MG_BIN --conf CONF --port PORT --work DIR [--only NAME]
         cases.tsv

cases.tsv has four columns separated by TABs: name, kind, input, expect.
Lines starting with # and empty lines are skipped.  The input is a Python
expression evaluated with the helpers below (so that big inputs are
generated here, at test time, and never stored); the kinds are:

  smtp      the input (bytes) is sent raw on a session that has had its
            greeting, EHLO and AUTH PLAIN; expect is the replies to it,
            "|"-separated, each a prefix of the reply's last line ("500",
            "501 5.5.2"); "EOF" means the connection is closed.
  smtp0     the same without AUTH (the AUTH cases themselves).
  msg       a whole transaction: the input is the message (bytes, or a
            (recipient, bytes) pair), dot-stuffed here; expect is a prefix
            of the reply to the final dot.
  check     the input is written to a file for `matchguard check FILE`;
            expect is "exit=N" and optionally " /REGEX/" for its output.
  config    the input is a whole configuration file (base() is the good
            one the test runs with); `matchguard -c FILE check` of a small
            message; expect as for check, and the error must be one line.
  sendmail  the input is `matchguard sendmail -t` standard input; expect
            as for check.

Prints one "ok:" or "FAIL:" line per case and exits 1 on any failure.
"""

import argparse
import base64
import os
import re
import socket
import subprocess
import sys
import time

ARGS = None
PROGRAM = "genetics-residency@harborview.edu"
OTHER = "aunt@example.org"


# --- helpers for the input expressions

def hdr(to=OTHER, extra=b"", subject=b"A question"):
    return (b"From: Priya Raman <priya.raman@example.com>\r\nTo: " +
            to.encode() + b"\r\nSubject: " + subject +
            b"\r\nDate: Wed, 11 Nov 2026 09:00:00 -0500\r\n"
            b"Message-ID: <hostile@example.com>\r\n" + extra)


def text(body, to=OTHER, extra=b""):
    """A plain-text message with body (bytes, CRLF line ends)."""
    return hdr(to, b"MIME-Version: 1.0\r\nContent-Type: text/plain; "
               b"charset=utf-8\r\n" + extra) + b"\r\n" + body


def nested(depth, to=OTHER):
    """multipart/mixed nested depth deep, a text part at the bottom."""
    parts = b"Content-Type: text/plain\r\n\r\nThe bottom.\r\n"
    for i in range(depth):
        b = b"b%d" % i
        parts = (b"Content-Type: multipart/mixed; boundary=" + b +
                 b"\r\n\r\n--" + b + b"\r\n" + parts + b"\r\n--" + b +
                 b"--\r\n")
    return hdr(to, b"MIME-Version: 1.0\r\n") + parts


def attachment(nbytes, body=b"Dear Aunt Maya,\r\n\r\nThe slides.\r\n"):
    """A message with a base64 attachment of about nbytes octets as sent
    (base64 in lines of 76, CRLF)."""
    raw = bytes(range(256)) * (nbytes // 256 + 1)
    b64 = base64.encodebytes(raw[:nbytes // 78 * 57]).replace(b"\n", b"\r\n")
    return (hdr(OTHER, b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed;"
                b" boundary=XX\r\n") + b"\r\n--XX\r\nContent-Type: text/plain"
            b"\r\n\r\n" + body + b"\r\n--XX\r\nContent-Type: application/pdf;"
            b" name=cv.pdf\r\nContent-Transfer-Encoding: base64\r\n"
            b"Content-Disposition: attachment; filename=cv.pdf\r\n\r\n" +
            b64 + b"--XX--\r\n")


def auth_plain(user, password):
    return base64.b64encode(b"\0" + user + b"\0" + password)


def base():
    with open(ARGS.conf, encoding="utf-8") as f:
        return f.read()


def setting(group, name, value):
    """base() with the setting name of group set to value (the text after
    "="), replacing the one there, or added at the top of the group."""
    conf = base()
    start = conf.index("\n%s = {" % group) + 1
    m = re.compile(r"(?m)^(\s*%s\s*=\s*)[^;]*;" % re.escape(name)).search(
        conf, start)
    end = conf.find("\n};", start)
    if m and m.start() < end:
        return conf[:m.start()] + m.group(1) + value + ";" + conf[m.end():]
    at = conf.index("{", start) + 1
    return conf[:at] + "\n  %s = %s;" % (name, value) + conf[at:]


def binary(n, seed=7):
    out, x = bytearray(), seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(x >> 16 & 0xFF)
    return bytes(out)


# --- SMTP

class Conn:
    def __init__(self, timeout=30):
        self.s = socket.create_connection(("127.0.0.1", ARGS.port), timeout)
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line.decode("utf-8", "replace")

    def reply(self):
        while True:
            line = self.line()
            if len(line) < 4 or line[3] != "-":
                return line

    def cmd(self, b):
        self.s.sendall(b + b"\r\n")
        return self.reply()


def session(auth=True):
    c = Conn()
    c.reply()
    c.cmd(b"EHLO hostile.test")
    if auth:
        r = c.cmd(b"AUTH PLAIN " + auth_plain(b"priya", b"local-password"))
        assert r.startswith("235"), r
    return c


def run_smtp(inp, expect, auth=True):
    want = expect.split("|")
    c = session(auth)
    c.s.sendall(inp)
    got = []
    try:
        while len(got) < len(want):
            got.append(c.reply())
    except EOFError:
        got.append("EOF")
    except socket.timeout:
        got.append("(no reply)")
    c.s.close()
    bad = [(w, g) for w, g in zip(want, got) if not g.startswith(w)]
    if bad or len(got) < len(want):
        return False, "wanted %s, got %s" % (want, got)
    return True, " | ".join(g[:70] for g in got)


def run_msg(inp, expect):
    rcpt, data = inp if isinstance(inp, tuple) else (OTHER, inp)
    if not data.endswith(b"\n"):
        data += b"\r\n"
    data = re.sub(rb"(?m)^\.", b"..", data)
    c = session()
    for cmd in (b"MAIL FROM:<priya.raman@example.com>",
                b"RCPT TO:<" + rcpt.encode() + b">"):
        r = c.cmd(cmd)
        if not r.startswith("250"):
            return r.startswith(expect), "at %s: %s" % (cmd.decode(), r)
    r = c.cmd(b"DATA")
    c.s.sendall(data + b".\r\n")
    r = c.reply()
    c.s.close()
    return r.startswith(expect), "%d octets: %s" % (len(data), r[:110])


# --- the command line

def parse_expect(expect):
    m = re.match(r"exit=(\d+)(?: /(.*)/)?$", expect)
    if not m:
        raise ValueError("bad expect %r" % expect)
    return int(m.group(1)), m.group(2)


def run_cli(argv, expect, stdin=None, one_line=False):
    code, pattern = parse_expect(expect)
    r = subprocess.run(argv, input=stdin, capture_output=True, timeout=120)
    out = (r.stdout + r.stderr).decode("utf-8", "replace")
    err = r.stderr.decode("utf-8", "replace").strip()
    first = err.splitlines()[0] if err else " ".join(out.split())[:100]
    if r.returncode != code:
        return False, "exit %d, wanted %d: %s" % (r.returncode, code, first)
    if pattern and not re.search(pattern, out):
        return False, "output does not match /%s/: %s" % (pattern, out[:300])
    if one_line and code != 0 and len(err.splitlines()) != 1:
        return False, "error is not one line: %r" % err
    return True, "exit %d: %s" % (r.returncode, first[:110])


def run_case(name, kind, inp, expect):
    path = os.path.join(ARGS.work, "case-" + re.sub(r"\W", "_", name))
    if kind in ("smtp", "smtp0"):
        return run_smtp(inp, expect, auth=kind == "smtp")
    if kind == "msg":
        return run_msg(inp, expect)
    if kind == "check":
        with open(path, "wb") as f:
            f.write(inp)
        return run_cli([ARGS.bin, "-c", ARGS.conf, "check", path], expect)
    if kind == "config":
        with open(path, "wb") as f:
            f.write(inp.encode() if isinstance(inp, str) else inp)
        probe = os.path.join(ARGS.work, "probe.eml")
        with open(probe, "wb") as f:
            f.write(text(b"Hello.\r\n"))
        return run_cli([ARGS.bin, "-c", path, "check", probe], expect,
                       one_line=True)
    if kind == "sendmail":
        return run_cli([ARGS.bin, "-c", ARGS.conf, "sendmail", "-t"],
                       expect, stdin=inp)
    raise ValueError("unknown kind %r" % kind)


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", required=True)
    p.add_argument("--conf", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--only")
    p.add_argument("table")
    ARGS = p.parse_args()
    fails = n = 0
    names = set()
    with open(ARGS.table, encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t") for l in f
                if l.strip() and not l.startswith("#")]
    for row in rows:
        if len(row) != 4:
            print("FAIL: malformed row %r" % row)
            fails += 1
            continue
        name, kind, expr, expect = row
        if name in names:
            print("FAIL: %s: the name is used twice" % name)
            fails += 1
        names.add(name)
        if ARGS.only and name != ARGS.only:
            continue
        n += 1
        t0 = time.time()
        try:
            good, what = run_case(name, kind, eval(expr), expect)
        except Exception as e:      # a crash of the driver is a failure
            good, what = False, "%s: %s" % (type(e).__name__, e)
        took = time.time() - t0
        print("%s: %s [%s] %s (%.1f s)" % ("ok" if good else "FAIL", name,
                                            kind, what, took), flush=True)
        fails += not good
    print("%d cases, %d failed" % (n, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
