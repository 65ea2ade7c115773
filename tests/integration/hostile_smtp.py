#!/usr/bin/python3
"""hostile_smtp.py - an SMTP submission server on loopback that lies in
its replies, for tests/integration/relay-hostile.sh.

    hostile_smtp.py (--mode MODE | --mode-file FILE) --outdir DIR
                    [--tls-cert PEM --tls-key KEY]

It binds 127.0.0.1 on a free port and prints "ready PORT", then one line
per event.  With --mode-file, the mode of each new connection is read
from FILE (one word), so that a test can switch modes without a restart.
Modes:

  good                  an honest server: stores each message, dots
                        undone, in DIR/N.eml, and answers 250
  endless-line          answers MAIL FROM with "250 " and then "x" for
                        ever, as fast as it can, with no line end
  endless-continuation  answers EHLO with "250-..." lines for ever
  trickle               answers RCPT TO one byte a second, a reply of
                        "250-..." lines that never ends (each read brings
                        a byte: only a deadline on the whole reply ends it)
  silent-after-data     354 to DATA, reads the message, never answers
                        the final dot
  close-mid-reply       answers the final dot with half a line
                        ("250 2.0.0 Ok: queu", no line end) and closes:
                        a reader that takes the end of the stream for the
                        end of a line would call the message accepted
  huge-greeting         a greeting of "220-..." lines for ever
  slow-reader           354 to DATA, then reads the message 16 KiB every
                        half second (never silent, never done)
  garbage               answers EHLO with a line that is no SMTP reply

With --tls-cert and --tls-key, it speaks TLS from the first byte (465
style), and every reply goes out through one TLS stream whose records are
sent as they come: in trickle mode, the records of the reply are cut and
sent one byte a second, so that the bytes of one TLS record trickle in.

When a connection ends it prints "done MODE: sent N bytes in S s
(CAUSE)", CAUSE being how it ended (the client hung up, QUIT...).
"""

import argparse
import os
import socket
import ssl
import sys
import threading
import time

LOCK = threading.Lock()
COUNT = [0]


def log(*a):
    with LOCK:
        print(*a, flush=True)


class Hangup(Exception):
    pass


class Conn:
    def __init__(self, sock, mode, outdir, tls):
        self.s = sock
        self.mode = mode
        self.outdir = outdir
        self.sent = 0
        self.buf = b""
        self.tls = None
        if tls is not None:
            self.inb = ssl.MemoryBIO()
            self.outb = ssl.MemoryBIO()
            self.tls = tls.wrap_bio(self.inb, self.outb, server_side=True)
            self.handshake()

    # The transport: plain, or TLS through memory BIOs, so that the bytes
    # of a record can be sent at any pace.
    def raw_send(self, data, pace=0.0):
        if pace == 0.0:
            self.s.sendall(data)
            self.sent += len(data)
            return
        for i in range(len(data)):
            self.s.sendall(data[i:i + 1])
            self.sent += 1
            time.sleep(pace)

    def raw_recv(self, n=65536):
        data = self.s.recv(n)
        if not data:
            raise Hangup("the client closed the connection")
        return data

    def flush_tls(self, pace=0.0):
        data = self.outb.read()
        if data:
            self.raw_send(data, pace)

    def handshake(self):
        while True:
            try:
                self.tls.do_handshake()
                self.flush_tls()
                return
            except ssl.SSLWantReadError:
                self.flush_tls()
                self.inb.write(self.raw_recv())

    def send(self, text, pace=0.0):
        data = text.encode() if isinstance(text, str) else text
        if self.tls is None:
            self.raw_send(data, pace)
        else:
            self.tls.write(data)
            self.flush_tls(pace)

    def recv(self, n=65536):
        if self.tls is None:
            return self.raw_recv(n)
        while True:
            try:
                data = self.tls.read(n)
                if not data:
                    raise Hangup("the client closed the connection")
                return data
            except ssl.SSLWantReadError:
                self.inb.write(self.raw_recv(n))
            except ssl.SSLZeroReturnError:
                raise Hangup("the client closed the connection")

    def line(self):
        while b"\n" not in self.buf:
            self.buf += self.recv()
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def flood(self, first, unit):
        """first, then unit for ever, as fast as the client reads."""
        self.send(first)
        chunk = unit * max(1, 65536 // len(unit))
        while True:
            self.send(chunk)

    def trickle(self, first):
        """first, then "250-..." lines for ever, one byte a second."""
        self.send(first, 1.0)
        while True:
            self.send("250-still thinking\r\n", 1.0)

    def body(self, slow=False):
        """The message up to the final dot, dots undone."""
        lines = []
        while True:
            if slow:
                while b"\n" not in self.buf:
                    self.buf += self.recv(16384)
                    time.sleep(0.5)
            line = self.line()
            if line == ".":
                return "".join(l + "\r\n" for l in lines)
            lines.append(line[1:] if line.startswith(".") else line)

    def store(self, text):
        with LOCK:
            COUNT[0] += 1
            n = COUNT[0]
        path = os.path.join(self.outdir, "%d.eml" % n)
        with open(path + ".tmp", "w", newline="") as f:
            f.write(text)
        os.rename(path + ".tmp", path)
        log("stored %s (%d bytes)" % (path, len(text)))

    def run(self):
        mode = self.mode
        if mode == "huge-greeting":
            self.flood("220-hostile.example ESMTP\r\n",
                       "220-" + "g" * 1000 + "\r\n")
        self.send("220 hostile.example ESMTP\r\n")
        while True:
            line = self.line()
            verb = line.split(" ", 1)[0].upper()
            log("cmd %s" % (verb if verb not in ("MAIL", "RCPT")
                            else line.split(":", 1)[0]))
            if verb in ("EHLO", "HELO"):
                if mode == "garbage":
                    self.send("250-hostile.example\r\nhello, friend\r\n")
                if mode == "endless-continuation":
                    self.flood("250-hostile.example\r\n",
                               "250-X-EXTENSION-" + "e" * 60 + "\r\n")
                self.send("250-hostile.example\r\n250-SIZE 52428800\r\n"
                          "250 8BITMIME\r\n")
            elif verb == "MAIL":
                if mode == "endless-line":
                    self.flood("250 ", "x")
                self.send("250 2.1.0 ok\r\n")
            elif verb == "RCPT":
                if mode == "trickle":
                    self.trickle("250-2.1.5 hmm\r\n")
                self.send("250 2.1.5 ok\r\n")
            elif verb == "DATA":
                self.send("354 go ahead\r\n")
                text = self.body(slow=mode == "slow-reader")
                if mode == "silent-after-data":
                    log("read %d bytes of message; saying nothing" %
                        len(text))
                    while True:
                        self.recv()
                if mode == "close-mid-reply":
                    self.send("250 2.0.0 Ok: queu")
                    raise Hangup("closed in the middle of the reply")
                self.store(text)
                self.send("250 2.0.0 Ok: queued as H%d\r\n" % COUNT[0])
            elif verb == "QUIT":
                self.send("221 2.0.0 bye\r\n")
                raise Hangup("QUIT")
            elif verb in ("RSET", "NOOP"):
                self.send("250 2.0.0 ok\r\n")
            else:
                self.send("502 5.5.2 not here\r\n")


def serve(sock, args, tls):
    mode = args.mode
    if args.mode_file:
        with open(args.mode_file) as f:
            mode = f.read().strip()
    log("session mode %s" % mode)
    t0 = time.time()
    c = None
    cause = "?"
    try:
        c = Conn(sock, mode, args.outdir, tls)
        c.run()
    except Hangup as e:
        cause = str(e)
    except (OSError, ssl.SSLError) as e:
        cause = "%s: %s" % (type(e).__name__, e)
    finally:
        sock.close()
    log("done %s: sent %d bytes in %.1f s (%s)" %
        (mode, c.sent if c else 0, time.time() - t0, cause))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="good")
    ap.add_argument("--mode-file")
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # A small receive buffer, so that slow-reader holds the sender back
    # soon (connections inherit it).
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    log("ready %d" % ls.getsockname()[1])
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c, args, tls),
                         daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
