#!/usr/bin/python3
"""upstream.py - a throwaway SMTP server standing in for a mail provider.

Built on aiosmtpd (Debian 12: python3-aiosmtpd).  Every accepted message
is stored as DIR/N.eml, the bytes exactly as received after the final dot
was removed and dot-stuffing undone (envelope.original_content, never
re-encoded), with its envelope in DIR/N.json:
{"mail_from": ..., "rcpt_tos": [...], "mail_options": [...],
 "auth_user": ... or null}.

  upstream.py --listen 127.0.0.1:PORT --outdir DIR
      [--tls-cert C --tls-key K]   offer STARTTLS (or, with --implicit-tls,
                                   speak TLS from the first byte)
      [--implicit-tls] [--require-tls]
      [--auth USER:PASS]           require AUTH PLAIN, LOGIN or XOAUTH2
                                   (the token is PASS)
      [--reject-rcpt ADDR]         550 for that recipient
      [--tempfail]                 451 at the end of DATA
      [--delay S]                  store the message, then wait S seconds
                                   before the 250

Prints "ready" once listening; SIGTERM or SIGINT stop it cleanly.
"""

import argparse
import asyncio
import base64
import itertools
import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, args):
        self.args = args
        self.counter = itertools.count(1)
        self.user, _, self.password = (args.auth or "").partition(":")

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if (self.args.reject_rcpt and
                address.lower() == self.args.reject_rcpt.lower()):
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.args.tempfail:
            return "451 4.3.0 Temporary failure, try again later"
        n = next(self.counter)
        auth = session.auth_data
        login = getattr(auth, "login", None)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "auth_user": login.decode("utf-8", "replace") if login else None,
        }
        base = os.path.join(self.args.outdir, str(n))
        # Written under a temporary name first, so that a test that sees
        # N.eml sees all of it.
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        if self.args.delay:
            await asyncio.sleep(self.args.delay)
        return "250 2.0.0 Ok: queued as %d" % n

    async def auth_XOAUTH2(self, server, args):
        """SASL XOAUTH2 as Google documents it; the token is PASS."""
        if len(args) < 2:
            return AuthResult(success=False, handled=False)
        try:
            raw = base64.b64decode(args[1], validate=True)
            fields = dict(f.split(b"=", 1) for f in raw.split(b"\x01") if f)
            user = fields[b"user"]
            token = fields[b"auth"].split(b" ", 1)[1]
        except Exception:
            await server.push("501 5.5.2 Cannot decode XOAUTH2 response")
            return AuthResult(success=False, handled=True)
        if (user.decode() == self.user and
                token.decode() == self.password):
            return AuthResult(success=True,
                              auth_data=LoginPassword(user, b""))
        # The error comes as a challenge; the client answers with an
        # empty line and then gets 535.
        await server.challenge_auth('{"status":"401","schemes":"bearer"}')
        return AuthResult(success=False, handled=False)


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login == user.encode() and
              auth_data.password == password.encode())
        # handled=False: aiosmtpd then answers 535 itself.
        return AuthResult(success=ok, handled=False,
                          auth_data=auth_data if ok else None)
    return check


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--listen", required=True, help="HOST:PORT")
    p.add_argument("--outdir", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--require-tls", action="store_true")
    p.add_argument("--auth", metavar="USER:PASS")
    p.add_argument("--reject-rcpt", metavar="ADDR")
    p.add_argument("--tempfail", action="store_true")
    p.add_argument("--delay", type=float, default=0)
    args = p.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if (args.implicit_tls or args.require_tls) and not args.tls_cert:
        p.error("--implicit-tls and --require-tls need --tls-cert")
    if args.auth and ":" not in args.auth:
        p.error("--auth takes USER:PASS")
    return args


def make_controller(args):
    host, _, port = args.listen.rpartition(":")
    handler = Handler(args)
    kw = {"hostname": host.strip("[]"), "port": int(port),
          "server_hostname": "upstream.test"}
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    if args.implicit_tls:
        kw["ssl_context"] = tls
    elif tls is not None:
        kw["tls_context"] = tls
        kw["require_starttls"] = args.require_tls
    if args.auth:
        user, _, password = args.auth.partition(":")
        kw["authenticator"] = authenticator(user, password)
        kw["auth_required"] = True
        # aiosmtpd knows TLS only when it came through STARTTLS.
        kw["auth_require_tls"] = bool(tls) and not args.implicit_tls
    return Controller(handler, **kw)


def main():
    args = parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    controller = make_controller(args)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    controller.start()
    print("ready", flush=True)
    while not stop.wait(0.5):
        pass
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
