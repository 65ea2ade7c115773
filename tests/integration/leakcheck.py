#!/usr/bin/python3
"""leakcheck.py - does any of FILES hold a credential in any form?

    leakcheck.py --user U --secret S [--secret S2 ...] FILE...

The forms looked for, written here independently of src/redact.c: each
secret itself and as an IMAP quoted string; the base64 of the SASL PLAIN blob "\\0U\\0S", of the XOAUTH2
blob "user=U\\1auth=Bearer S\\1\\1" and of S alone; and the base64
characters that stand for S at each of the three offsets it can have in
any longer blob.  Files are searched without regard to case, once as
they are and once with all white space, every reply code ("535-") and
every RFC 3463 code ("5.7.8") taken out, so that a secret cut over reply lines is found too.

Prints what it searched and each form it found, and exits 1 when it found
one.
"""

import argparse
import base64
import re
import sys

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def cores(secret):
    """The base64 of secret alone at offsets 0, 1, 2 of a blob."""
    out = []
    for k in range(3):
        raw = b"\0" * k + secret
        bits = "".join("{:08b}".format(b) for b in raw)
        first = (8 * k + 5) // 6
        last = len(bits) // 6
        s = "".join(B64[int(bits[6 * j:6 * j + 6], 2)]
                    for j in range(first, last))
        if len(s) >= 4:
            out.append(s)
    return out


def forms(user, secret):
    u, s = user.encode(), secret.encode()
    f = [secret, secret.replace("\\", "\\\\").replace('"', '\\"')]
    f.append(base64.b64encode(b"\0" + u + b"\0" + s).decode())
    f.append(base64.b64encode(b"user=" + u + b"\1auth=Bearer " + s +
                              b"\1\1").decode())
    f.append(base64.b64encode(s).decode())
    f += cores(s)
    return f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--user", required=True)
    ap.add_argument("--secret", action="append", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    want = []
    for s in a.secret:
        want += forms(a.user, s)
    found = 0
    for name in a.files:
        try:
            text = open(name, "rb").read().decode("utf-8", "replace")
        except OSError as e:
            print("leakcheck: %s: %s" % (name, e))
            return 2
        squeezed = re.sub(r"\b[245]\.\d{1,3}\.\d{1,3}\b", "", text)
        squeezed = re.sub(r"\b[2-5]\d\d[- ]", "", squeezed)
        squeezed = re.sub(r"\s+", "", squeezed)
        for t, how in ((text.lower(), "as written"),
                       (squeezed.lower(), "without spaces and codes")):
            for f in want:
                if f.lower() in t:
                    print("leakcheck: %s holds %r (%s)" % (name, f, how))
                    found += 1
    print("leakcheck: %d form(s) of %d secret(s) looked for in %d file(s) "
          "(%d bytes): %d found" % (len(want), len(a.secret), len(a.files),
                                    sum(len(open(n, "rb").read())
                                        for n in a.files), found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
