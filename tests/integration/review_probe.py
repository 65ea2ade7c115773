# review_probe.py PORT TOKEN SMTPPORT HELDID - the review page attacked
# without a browser, at the HTTP level (review-probe.sh starts serve):
# Host variants of DNS rebinding, letter IDs that try to leave the
# spool, forms a hostile page can send, many idle connections.
import smtplib
import socket
import sys
import time

PORT, TOKEN, SMTP, HELD = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
HOST = "127.0.0.1:%d" % PORT
BASE = "/" + TOKEN
fails = 0


def check(cond, what):
    global fails
    print(("ok: " if cond else "FAIL: ") + what)
    fails += 0 if cond else 1


def raw(req, timeout=5):
    s = socket.create_connection(("127.0.0.1", PORT), timeout)
    s.sendall(req)
    d = b""
    try:
        while True:
            x = s.recv(65536)
            if not x:
                break
            d += x
    except OSError:
        pass
    s.close()
    return d


def status(resp):
    try:
        return int(resp.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def get(path, host=HOST):
    h = "Host: %s\r\n" % host if host is not None else ""
    return raw(("GET %s HTTP/1.1\r\n%sConnection: close\r\n\r\n" %
                (path, h)).encode())


def post(path, ctype, body, extra=""):
    return raw(("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\n"
                "Content-Length: %d\r\n%sConnection: close\r\n\r\n" %
                (path, HOST, ctype, len(body), extra)).encode() + body)


check(status(get(BASE + "/")) == 200, "the page answers its own Host")
for h in ["127.0.0.1.nip.io:%d" % PORT, None, "localhost.:%d" % PORT,
          "[::1]:%d" % PORT, "127.0.0.1", "127.0.0.1:%d." % PORT,
          "evil.example:%d" % PORT, "127.0.0.1:%d\tx" % PORT]:
    check(status(get(BASE + "/", h)) == 403, "Host %r is refused (403)" % h)

for p in ["/letter/..%2f..%2fledger.sqlite", "/letter/%2e%2e/drop",
          "/letter/%2e%2e%2f%2e%2e%2freview-token", "/letter/" + HELD + "%00/drop",
          "/letter/" + HELD + ".env", "/letter/" + "a" * 3000,
          "/letter/.%2e/held", "/%2e%2e/", "/letter/" + HELD[:-1] + "Z"]:
    r = get(BASE + p)
    body = r.split(b"\r\n\r\n", 1)[-1]
    # (%00 ends the path, in MHD: "ID%00/drop" is the letter's own page.)
    want = (404, 414, 200) if "%00" in p else (404, 414)
    check(status(r) in want and b"<textarea" not in body and
          TOKEN.encode() + b"\n" not in body, "letter path %s.. is not found (%d)" %
          (p[:48], status(r)))

# Forms a hostile page can make the browser send (it would need the
# token for the path, and the CSRF value: both are checked anyway).
drop = BASE + "/letter/" + HELD + "/drop"
check(status(post(drop, "text/plain", b"csrf=x")) in (403, 415),
      "a text/plain form is refused")
check(status(post(drop, "application/x-www-form-urlencoded", b"csrf=x",
                  "Origin: null\r\nSec-Fetch-Site: cross-site\r\n")) == 403,
      "a form of a sandboxed frame (Origin null, cross-site) is refused")
check(status(post(drop, "application/x-www-form-urlencoded", b"x=1",
                  "Origin: null\r\n")) == 403,
      "Origin null without the CSRF value is refused")
check(status(post(drop, "multipart/form-data; boundary=xyzzy",
                  b"--xyzzy\r\nContent-Disposition: form-data; name=\"csrf\""
                  b"\r\n\r\n0000\r\n--xyzzy--\r\n")) == 403,
      "a multipart form with a wrong CSRF value is refused")
check(status(raw(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                  % (drop, HOST)).encode())) == 404,
      "GET on an action changes nothing (404)")
check(status(get(BASE + "/letter/" + HELD)) == 200,
      "the letter is still there after all that")

# Many idle connections: the page is busy, serve's SMTP is not.
idle = []
for _ in range(60):
    try:
        s = socket.create_connection(("127.0.0.1", PORT), 2)
        s.sendall(b"GET / HTTP/1.1\r\n")
        idle.append(s)
    except OSError:
        break
t = time.time()
try:
    sm = smtplib.SMTP("127.0.0.1", SMTP, timeout=5)
    code = sm.ehlo()[0]
    sm.quit()
except (OSError, smtplib.SMTPException) as e:
    code = str(e)
check(code == 250 and time.time() - t < 3,
      "SMTP answers while %d idle connections hold the page" % len(idle))
for s in idle:
    s.close()
sys.exit(1 if fails else 0)
