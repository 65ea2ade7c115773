#!/usr/bin/python3
"""smtpclient.py - raw SMTP clients for the fault tests (faults.sh).

Each mode prints "ok: ..." or "FAIL: ..." lines and exits 1 on a failure.

  smtpclient.py PORT noop
      a greeting, and 250 to NOOP.
  smtpclient.py PORT send FILE [RCPT] [--sender ADDR] [--expect CODE]
      one transaction with FILE as the message, sent as is (FILE must use
      CRLF and be dot-stuffed already); prints the final reply.
  smtpclient.py PORT size LIMIT
      the message size limit, both sides: SIZE=LIMIT and LIMIT+1 at MAIL,
      and a message of exactly LIMIT octets (counted as the session counts
      them: after dot-unstuffing, line ends included, the final
      CRLF.CRLF excluded) and one of LIMIT+1.
  smtpclient.py PORT flood N MAX
      N connections at once: at most MAX get 220, every other one a whole
      "421 4.3.2" line and then the end of the connection; then, once
      they are closed, a message still gets 250.
  smtpclient.py PORT slow TIMEOUT [command|data]
      a client sending one byte a second (a command line, or after DATA)
      is cut with 421 4.4.2 within TIMEOUT + 2 seconds, while a normal
      client sends a message meanwhile and gets 250 at once.
"""

import socket
import sys
import threading
import time

FAILS = []


def fail(msg):
    FAILS.append(msg)
    print("FAIL: " + msg, flush=True)


def ok(msg):
    print("ok: " + msg, flush=True)


class Conn:
    def __init__(self, port, timeout=20):
        self.s = socket.create_connection(("127.0.0.1", port), timeout)
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("connection closed")
            self.buf += d
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line.decode("utf-8", "replace")

    def reply(self):
        """A whole (possibly multi-line) reply: (code, last line)."""
        while True:
            line = self.line()
            if len(line) < 4 or line[3] != "-":
                return int(line[:3]), line

    def cmd(self, text):
        self.s.sendall(text.encode() + b"\r\n")
        return self.reply()

    def close(self):
        self.s.close()


def transaction(port, data, rcpt="aunt@example.org",
                sender="priya.raman@example.com", size=None):
    """(code, line) of the first refusal, or of the end of DATA."""
    c = Conn(port)
    try:
        c.reply()
        c.cmd("EHLO client.test")
        code, line = c.cmd("MAIL FROM:<%s>%s" % (
            sender, "" if size is None else " SIZE=%d" % size))
        if code != 250:
            return code, line
        code, line = c.cmd("RCPT TO:<%s>" % rcpt)
        if code != 250:
            return code, line
        code, line = c.cmd("DATA")
        if code != 354:
            return code, line
        c.s.sendall(data + b".\r\n")
        code, line = c.reply()
        c.cmd("QUIT")
        return code, line
    finally:
        c.close()


def mode_send(port, args):
    path = args[0]
    rcpt = "aunt@example.org"
    sender = "priya.raman@example.com"
    expect = None
    rest = args[1:]
    while rest:
        a = rest.pop(0)
        if a == "--sender":
            sender = rest.pop(0)
        elif a == "--expect":
            expect = rest.pop(0)
        else:
            rcpt = a
    with open(path, "rb") as f:
        data = f.read()
    code, line = transaction(port, data, rcpt, sender)
    print(line)
    if expect is not None and not line.startswith(expect):
        fail("wanted %s, got %s" % (expect, line))


def sized(n, dot_lines=3):
    """A message of exactly n octets after unstuffing; what goes on the
    wire has dot_lines extra dots (lines that start with a dot)."""
    head = (b"From: priya.raman@example.com\r\nTo: aunt@example.org\r\n"
            b"Subject: exactly %d octets\r\n\r\n" % n)
    body = b"".join(b".stuffed line %d\r\n" % i for i in range(dot_lines))
    pad = n - len(head) - len(body)
    assert pad >= 2
    lines = []
    while pad > 0:
        k = min(pad, 78)
        if k < 2:             # the last line: at least its CRLF
            lines[-1] = lines[-1][:-2] + b"y" * k + b"\r\n"
            break
        lines.append(b"x" * (k - 2) + b"\r\n")
        pad -= k
    msg = head + body + b"".join(lines)
    assert len(msg) == n, (len(msg), n)
    wire = msg.replace(b"\r\n.", b"\r\n..")
    return msg, wire


def mode_size(port, args):
    limit = int(args[0])
    code, line = transaction(port, sized(limit)[1], size=limit)
    if code == 250:
        ok("SIZE=%d and a message of exactly %d octets: %s" %
           (limit, limit, line))
    else:
        fail("exactly the limit (%d octets) refused: %s" % (limit, line))
    code, line = transaction(port, sized(limit)[1], size=limit + 1)
    if code == 552 and "5.3.4" in line:
        ok("SIZE=%d at MAIL: %s" % (limit + 1, line))
    else:
        fail("SIZE=%d at MAIL: %s" % (limit + 1, line))
    code, line = transaction(port, sized(limit + 1)[1])
    if code == 552 and "5.3.4" in line:
        ok("a message of %d octets: %s" % (limit + 1, line))
    else:
        fail("a message of limit + 1 octets: %s" % line)
    # The stuffing dots are not counted: the wire form is over the limit.
    msg, wire = sized(limit, dot_lines=40)
    code, line = transaction(port, wire)
    if code == 250 and len(wire) > limit:
        ok("%d octets on the wire, %d after unstuffing: %s" %
           (len(wire), limit, line))
    else:
        fail("dot-stuffing counted against the limit: %s" % line)


def mode_flood(port, args):
    n, most = int(args[0]), int(args[1])
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
    got = {}
    start = time.time()
    for s in socks:
        s.setblocking(True)
        s.settimeout(max(1, 30 - (time.time() - start)))
    def read(i, s):
        data = b""
        try:
            while b"\r\n" not in data:
                d = s.recv(4096)
                if not d:
                    break
                data += d
            if data.startswith(b"421"):
                # The end of the connection must follow the 421.
                rest = s.recv(4096)
                if rest:
                    data += b" +" + rest
        except OSError as e:
            data += b" <" + type(e).__name__.encode() + b">"
        got[i] = data
    threads = [threading.Thread(target=read, args=(i, s))
               for i, s in enumerate(socks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    greeted = [i for i, d in got.items() if d.startswith(b"220 ")]
    refused = [i for i, d in got.items()
               if d.startswith(b"421 4.3.2 ") and d.endswith(b"\r\n")]
    other = [d for i, d in got.items() if i not in greeted and
             i not in refused]
    if 1 <= len(greeted) <= most and len(greeted) + len(refused) == n:
        ok("%d connections at once: %d greeted, %d refused with a whole "
           "421 4.3.2 line and then closed (%.1f s)" %
           (n, len(greeted), len(refused), time.time() - start))
    else:
        fail("%d greeted, %d refused cleanly, %d other: %r" %
             (len(greeted), len(refused), len(other), other[:3]))
    for s in socks:
        s.close()
    deadline = time.time() + 10
    while True:
        try:
            code, line = transaction(port, sized(1500)[1])
            break
        except (OSError, EOFError):
            if time.time() > deadline:
                code, line = None, "no connection"
                break
            time.sleep(0.1)
        if time.time() > deadline:
            break
    if code == 250:
        ok("after the flood, a message: %s" % line)
    elif code == 421:
        # Sessions still closing: try again a little later.
        time.sleep(1)
        code, line = transaction(port, sized(1500)[1])
        (ok if code == 250 else fail)("after the flood: %s" % line)
    else:
        fail("after the flood: %s" % line)


def mode_slow(port, args):
    timeout = int(args[0])
    result = {}

    phase = args[1] if len(args) > 1 else "command"

    def slow():
        c = Conn(port, timeout=timeout + 10)
        c.reply()
        payload = b"EHLO slow.client.test\r\n"
        if phase == "data":
            for cmd in ("EHLO slow.client.test", "MAIL FROM:<a@example.com>",
                        "RCPT TO:<b@example.org>", "DATA"):
                c.cmd(cmd)
            payload = b"Subject: slow\r\n\r\n" + b"x" * 60
        start = time.time()
        try:
            for b in payload:
                c.s.sendall(bytes([b]))
                time.sleep(1)
                c.s.setblocking(False)
                try:
                    d = c.s.recv(4096)
                    c.buf += d
                    if not d:
                        break
                except BlockingIOError:
                    pass
                c.s.setblocking(True)
                if b"\r\n" in c.buf:
                    break
            c.s.settimeout(timeout + 5)
            line = c.line()
        except (OSError, EOFError) as e:
            line = "<%s>" % type(e).__name__
        result["slow"] = (time.time() - start, line)
        c.close()

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(1.5)
    start = time.time()
    code, line = transaction(port, sized(1500)[1])
    took = time.time() - start
    if code == 250 and took < 1:
        ok("a normal client meanwhile: %s (%.2f s)" % (line, took))
    else:
        fail("a normal client meanwhile: %s (%.2f s)" % (line, took))
    t.join()
    took, line = result["slow"]
    if line.startswith("421 4.4.2") and took <= timeout + 2:
        ok("one byte a second (%s): %s after %.1f s" % (phase, line, took))
    else:
        fail("one byte a second (%s), timeout %d: %r after %.1f s" %
             (phase, timeout, line, took))


def mode_noop(port, args):
    c = Conn(port, timeout=10)
    c.reply()
    code, line = c.cmd("NOOP")
    c.close()
    if code != 250:
        fail("NOOP: %s" % line)


def main():
    port, mode, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    {"noop": mode_noop, "send": mode_send, "size": mode_size, "flood": mode_flood,
     "slow": mode_slow}[mode](port, args)
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
