#!/usr/bin/python3
"""stallimap.py - an IMAP server that lets a client log in and then never
answers again: the hostile peer of tests/integration/notices.sh.

  stallimap.py --listen 127.0.0.1:PORT

Greets, answers CAPABILITY and LOGIN (any user and password), LOGOUT
and NOOP; any other command (APPEND, SELECT, EXAMINE, ...) is read and
never answered, and the connection stays open until the client closes
it.  Prints "ready" once listening, then "append" for every APPEND it
swallows; SIGTERM stops it.
"""

import argparse
import re
import signal
import socket
import sys
import threading

CAPS = b"IMAP4rev1 AUTH=PLAIN"


def serve(conn):
    f = conn.makefile("rb")
    try:
        conn.sendall(b"* OK [CAPABILITY " + CAPS + b"] stalling server\r\n")
        for line in f:
            m = re.match(rb"(\S+) (\S+)", line)
            if not m:
                continue
            tag, cmd = m.group(1), m.group(2).upper()
            if cmd == b"CAPABILITY":
                conn.sendall(b"* CAPABILITY " + CAPS + b"\r\n" + tag +
                             b" OK done\r\n")
            elif cmd == b"LOGIN":
                conn.sendall(tag + b" OK logged in\r\n")
            elif cmd == b"NOOP":
                conn.sendall(tag + b" OK\r\n")
            elif cmd == b"LOGOUT":
                conn.sendall(b"* BYE\r\n" + tag + b" OK\r\n")
                return
            elif cmd == b"APPEND":
                print("append", flush=True)
            # Anything else: silence, for ever.
    except OSError:
        pass
    finally:
        conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    args = p.parse_args()
    host, port = args.listen.rsplit(":", 1)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(512)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    print("ready", flush=True)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
