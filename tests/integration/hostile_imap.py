#!/usr/bin/python3
"""hostile_imap.py - a small IMAP server on loopback that misbehaves on
purpose, for tests/integration/imap-hostile.sh and imap-echo.sh.

    hostile_imap.py --mode MODE [--messages N] [--idle]

It binds 127.0.0.1 on a free port and prints "ready PORT"; then one line
per event ("conn", "cmd TAG VERB", "mode MODE: what it did").  Every
connection gets the same behaviour.  The mailbox INBOX holds N messages
(UIDs 1..N, default 6) from an address no program uses, so the poller
reads them and records nothing.

Modes:
  normal          a well-behaved server
  close-literal   answers UID FETCH with a literal of 5000 bytes, sends 9,
                  and closes the connection
  flood           answers EXAMINE with untagged lines as fast as it can,
                  forever
  trickle         answers EXAMINE with one small untagged line every 0.2 s,
                  forever (each read gets data: only a deadline per command
                  ends it)
  huge-literal    answers UID FETCH with a literal of 4,000,000,000 bytes
                  and streams it
  huge-search     answers UID SEARCH with 2,000,000 UIDs
  bad-fetch       answers UID FETCH without UID 3's header (an item with
                  no UID and no body) and without UID 4 at all, then OK
  silent          greets, logs in, then never answers EXAMINE
  echo            refuses LOGIN and AUTHENTICATE with a NO that repeats
                  the client's whole command line
  echo-upper      the same, upper-cased
  echo-split      the same, with a space inserted every 7 characters of
                  the arguments
"""

import argparse
import re
import socket
import sys
import threading
import time

CAPS = "IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=XOAUTH2"
UIDVALIDITY = 42


def log(*a):
    print(*a, flush=True)


def message(uid):
    return ("From: Someone <someone@unrelated.example>\r\n"
            "To: priya.raman@example.com\r\n"
            "Subject: note %d\r\n"
            "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n"
            "Message-ID: <note-%d@unrelated.example>\r\n"
            "\r\n"
            "Hello %d.\r\n" % (uid, uid, uid)).encode()


def header_of(data):
    return data.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"


def parse_set(s, top):
    """An IMAP sequence set of UIDs, '*' being top."""
    out = set()
    for part in s.split(","):
        if ":" in part:
            a, b = part.split(":", 1)
            a = top if a == "*" else int(a)
            b = top if b == "*" else int(b)
            if a > b:
                a, b = b, a
            out.update(range(a, b + 1))
        else:
            out.add(top if part == "*" else int(part))
    return out


class Conn:
    def __init__(self, sock, args):
        self.s = sock
        self.args = args
        self.buf = b""
        self.uids = list(range(1, args.messages + 1))

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.s.sendall(data)

    def readline(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line + b"\n"

    def read_exact(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def command(self):
        """One command line, with the client's literals inlined."""
        line = self.readline()
        while True:
            m = re.search(rb"\{(\d+)\+?\}\r?\n$", line)
            if not m:
                return line.rstrip(b"\r\n").decode("utf-8", "replace")
            if b"+" not in m.group(0):
                self.send("+ go on\r\n")
            lit = self.read_exact(int(m.group(1)))
            line = line[:m.start()] + b'"' + lit + b'"' + self.readline()

    def echo(self, tag, line):
        text = line
        mode = self.args.mode
        if mode == "echo-upper":
            text = text.upper()
        elif mode == "echo-split":
            head, _, rest = text.partition(" ")
            verb, _, rest = rest.partition(" ")
            parts = []
            for word in rest.split(" "):
                parts.append(" ".join(word[i:i + 7]
                                      for i in range(0, len(word), 7)))
            text = head + " " + verb + " " + " ".join(parts)
        log("mode %s: echoed the command line" % mode)
        self.send("%s NO [AUTHENTICATIONFAILED] you sent: %s\r\n" %
                  (tag, text))

    def examine(self, tag):
        mode = self.args.mode
        self.send("* FLAGS (\\Seen \\Answered)\r\n"
                  "* %d EXISTS\r\n* 0 RECENT\r\n"
                  "* OK [UIDVALIDITY %d] ok\r\n"
                  "* OK [UIDNEXT %d] ok\r\n" %
                  (len(self.uids), UIDVALIDITY, len(self.uids) + 1))
        if mode == "flood":
            log("mode flood: untagged lines until the client leaves")
            line = b"* OK x\r\n"
            chunk = line * 16000
            sent = 0
            try:
                while True:
                    self.s.sendall(chunk)
                    sent += len(chunk)
            except OSError:
                log("mode flood: sent %d bytes" % sent)
                raise EOFError
        if mode == "trickle":
            log("mode trickle: a line every 0.2 s until the client leaves")
            n = 0
            try:
                while True:
                    self.s.sendall(b"* OK still here %d\r\n" % n)
                    n += 1
                    time.sleep(0.2)
            except OSError:
                log("mode trickle: sent %d lines" % n)
                raise EOFError
        if mode == "silent":
            log("mode silent: EXAMINE is never answered")
            try:
                while self.s.recv(65536):
                    pass
            except OSError:
                pass
            raise EOFError
        self.send("%s OK [READ-ONLY] done\r\n" % tag)

    def search(self, tag, rest):
        if self.args.mode == "huge-search":
            log("mode huge-search: 2,000,000 UIDs")
            try:
                self.send("* SEARCH")
                step = 100000
                for a in range(1, 2000001, step):
                    self.send(" " + " ".join(str(u)
                                             for u in range(a, a + step)))
                self.send("\r\n%s OK done\r\n" % tag)
            except OSError:
                log("mode huge-search: the client left")
                raise EOFError
            return
        m = re.search(r"\bUID (\S+)", rest)
        want = parse_set(m.group(1), self.uids[-1] if self.uids else 0) \
            if m else set(self.uids)
        found = [u for u in self.uids if u in want]
        log("search %s -> %d UIDs" % (m.group(1) if m else "all",
                                       len(found)))
        self.send("* SEARCH%s\r\n%s OK done\r\n" %
                  ("".join(" %d" % u for u in found), tag))

    def fetch(self, tag, rest):
        mode = self.args.mode
        m = re.match(r"(\S+) \((.*)\)$", rest)
        if not m:
            self.send("%s BAD what\r\n" % tag)
            return
        want = parse_set(m.group(1), self.uids[-1] if self.uids else 0)
        items = m.group(2)
        sec = re.search(r"BODY\.PEEK(\[[^\]]*\])", items)
        section = sec.group(1) if sec else "[]"
        whole = section == "[]"
        if mode == "close-literal":
            log("mode close-literal: {5000} then 9 bytes, then close")
            self.send("* 1 FETCH (UID 1 RFC822.SIZE 5000 BODY%s {5000}\r\n"
                      "From: x\r\n" % section)
            time.sleep(0.2)
            raise EOFError
        if mode == "huge-literal":
            log("mode huge-literal: {4000000000}")
            sent = 0
            try:
                self.send("* 1 FETCH (UID 1 RFC822.SIZE 4000000000 BODY%s "
                          "{4000000000}\r\n" % section)
                chunk = b"x" * 65536
                while sent < 4000000000:
                    self.s.sendall(chunk)
                    sent += len(chunk)
            except OSError:
                log("mode huge-literal: the client left after %d bytes"
                    % sent)
                raise EOFError
        for seq, uid in enumerate(self.uids, 1):
            if uid not in want:
                continue
            if mode == "bad-fetch" and uid == 3:
                log("mode bad-fetch: UID 3 without UID and body")
                self.send("* %d FETCH (FLAGS (\\Seen))\r\n" % seq)
                continue
            if mode == "bad-fetch" and uid == 4:
                log("mode bad-fetch: UID 4 left out")
                continue
            data = message(uid)
            body = data if whole else header_of(data)
            self.send(b"* %d FETCH (UID %d RFC822.SIZE %d BODY%s {%d}\r\n"
                      % (seq, uid, len(data), section.encode(), len(body)) +
                      body + b")\r\n")
        self.send("%s OK done\r\n" % tag)

    def run(self):
        self.send("* OK [CAPABILITY %s] hostile ready\r\n" % CAPS)
        while True:
            line = self.command()
            parts = line.split(" ", 2)
            tag = parts[0]
            verb = parts[1].upper() if len(parts) > 1 else ""
            rest = parts[2] if len(parts) > 2 else ""
            if verb == "UID":
                sub, _, rest = rest.partition(" ")
                verb = "UID " + sub.upper()
            log("cmd %s %s" % (tag, verb))
            if verb == "CAPABILITY":
                self.send("* CAPABILITY %s\r\n%s OK done\r\n" % (CAPS, tag))
            elif verb in ("LOGIN", "AUTHENTICATE"):
                if self.args.mode.startswith("echo"):
                    self.echo(tag, line)
                else:
                    self.send("%s OK [CAPABILITY %s] welcome\r\n" %
                              (tag, CAPS))
            elif verb in ("EXAMINE", "SELECT"):
                self.examine(tag)
            elif verb == "UID SEARCH":
                self.search(tag, rest)
            elif verb == "UID FETCH":
                self.fetch(tag, rest)
            elif verb == "NOOP":
                self.send("%s OK done\r\n" % tag)
            elif verb == "LOGOUT":
                self.send("* BYE bye\r\n%s OK done\r\n" % tag)
                return
            else:
                self.send("%s BAD unknown command\r\n" % tag)


def serve(sock, args):
    log("conn")
    try:
        Conn(sock, args).run()
    except (EOFError, OSError):
        pass
    finally:
        log("closed")
        try:
            sock.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="normal")
    ap.add_argument("--messages", type=int, default=6)
    args = ap.parse_args()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    log("ready %d" % ls.getsockname()[1])
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c, args), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
