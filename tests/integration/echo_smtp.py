#!/usr/bin/python3
"""echo_smtp.py - an SMTP submission server on loopback that repeats the
client's credentials in its replies, for tests/integration/echo-secrets.sh.

    echo_smtp.py --mode MODE

It binds 127.0.0.1 on a free port and prints "ready PORT", then one line
per event.  It offers AUTH PLAIN LOGIN XOAUTH2 without TLS (matchguard
allows "none" only on loopback) and answers every AUTH with a 535 that
repeats what the client sent:

  echo        the AUTH line, or AUTH LOGIN's two lines, in one 535 line
  upper       the same, upper-cased
  split       a multi-line 535, the base64 cut into pieces of 6
              characters, one piece per line
  later       accepts the AUTH (235), then refuses MAIL FROM with a 451
              that repeats the AUTH line (a later step echoes it too)

XOAUTH2 is refused as Gmail does: a 334 with a base64 JSON error, then,
after the client's empty line, the 535.
"""

import argparse
import base64
import socket
import sys
import threading


def log(*a):
    print(*a, flush=True)


class Conn:
    def __init__(self, sock, mode):
        self.s = sock
        self.f = sock.makefile("rb")
        self.mode = mode
        self.auth_seen = ""

    def send(self, text):
        self.s.sendall(text.encode())

    def line(self):
        data = self.f.readline()
        if not data:
            raise EOFError
        return data.decode("utf-8", "replace").rstrip("\r\n")

    def refuse(self, echo):
        mode = self.mode
        if mode == "upper":
            echo = echo.upper()
        if mode == "split":
            pieces = [echo[i:i + 6] for i in range(0, len(echo), 6)]
            out = "".join("535-5.7.8 %s\r\n" % p for p in pieces)
            self.send(out + "535 5.7.8 authentication failed\r\n")
        else:
            self.send("535 5.7.8 authentication failed for <%s>\r\n" % echo)
        log("echoed %d characters (%s)" % (len(echo), mode))

    def auth(self, args):
        parts = args.split(" ", 1)
        mech = parts[0].upper()
        initial = parts[1] if len(parts) > 1 else None
        if mech == "LOGIN":
            self.send("334 VXNlcm5hbWU6\r\n")
            user = self.line()
            self.send("334 UGFzc3dvcmQ6\r\n")
            pw = self.line()
            echo = "AUTH LOGIN " + user + " " + pw
        elif mech == "XOAUTH2":
            if initial is None:
                self.send("334 \r\n")
                initial = self.line()
            err = base64.b64encode(b'{"status":"400","schemes":"Bearer",'
                                   b'"scope":"https://mail.google.com/"}')
            self.send("334 %s\r\n" % err.decode())
            self.line()
            echo = "AUTH XOAUTH2 " + initial
        else:
            if initial is None:
                self.send("334 \r\n")
                initial = self.line()
            echo = "AUTH PLAIN " + initial
        if self.mode == "later":
            self.auth_seen = echo
            self.send("235 2.7.0 accepted\r\n")
            return
        self.refuse(echo)

    def run(self):
        self.send("220 echo.example ESMTP\r\n")
        while True:
            line = self.line()
            verb = line.split(" ", 1)[0].upper()
            args = line[len(verb) + 1:]
            log("cmd %s" % verb)
            if verb in ("EHLO", "HELO"):
                self.send("250-echo.example\r\n250-AUTH PLAIN LOGIN "
                          "XOAUTH2\r\n250 8BITMIME\r\n")
            elif verb == "AUTH":
                self.auth(args)
            elif verb == "MAIL":
                if self.mode == "later":
                    self.send("451 4.3.0 try again, you were <%s>\r\n" %
                              self.auth_seen)
                else:
                    self.send("530 5.7.0 authentication required\r\n")
            elif verb == "QUIT":
                self.send("221 bye\r\n")
                return
            elif verb in ("RSET", "NOOP"):
                self.send("250 ok\r\n")
            else:
                self.send("502 5.5.2 not here\r\n")


def serve(sock, mode):
    try:
        Conn(sock, mode).run()
    except (EOFError, OSError):
        pass
    finally:
        sock.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="echo")
    args = ap.parse_args()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    log("ready %d" % ls.getsockname()[1])
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c, args.mode),
                         daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
