#!/usr/bin/python3
"""review_browser.py - the browser half of review.sh.

Drives the review page of a running `matchguard serve` in headless
Chromium (chromedriver, python3-selenium) and probes it with raw HTTP
requests; checks what reached the upstream (upstream.py's N.eml files),
the held queue and the ledger.  Exits 1 on the first failed check, after
printing it.

  review_browser.py --url URL --upstream DIR --spool DIR --ledger FILE
                    --shots DIR
"""

import argparse
import email
import email.policy
import http.client
import http.server
import os
import re
import sqlite3
import sys
import threading
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ap = argparse.ArgumentParser()
for a in ("url", "upstream", "spool", "ledger", "shots"):
    ap.add_argument("--" + a, required=True)
args = ap.parse_args()
u = urllib.parse.urlsplit(args.url)
HOST, PORT, BASE = u.hostname, u.port, u.path.rstrip("/")


def ok(what):
    print("ok: %5.1fs %s" % (time.time() - T0, what), flush=True)


drv = None
T0 = time.time()


def check(cond, what):
    if not cond:
        print("FAIL: " + what, flush=True)
        if drv is not None:
            print("the page (%s):\n%s" % (drv.current_url, drv.find_element(
                By.TAG_NAME, "body").text[:3000]), flush=True)
        sys.exit(1)
    ok(what)


def request(method, path, headers=None, body=None):
    c = http.client.HTTPConnection(HOST, PORT, timeout=10)
    h = {"Host": "%s:%d" % (HOST, PORT)}
    h.update(headers or {})
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data


def upstream_files():
    return sorted(f for f in os.listdir(args.upstream) if f.endswith(".eml"))


def held_ids():
    return sorted(f[:-4] for f in os.listdir(args.spool) if f.endswith(".env"))


def ledger_count():
    db = sqlite3.connect(args.ledger)
    n = db.execute("SELECT count(*) FROM sent").fetchone()[0]
    db.close()
    return n


# Probes without a browser: the token, the Host, the headers.
st, _, _ = request("GET", "/" + "x" * 24 + "/")
check(st == 404, "a wrong token is refused (404)")
st, _, _ = request("GET", "/")
check(st == 404, "no token is refused (404)")
st, _, _ = request("GET", BASE[:-1] + "/")
check(st == 404, "the token less one character is refused (404)")
st, _, _ = request("GET", BASE + "/", {"Host": "rebound.example:%d" % PORT})
check(st == 403, "a foreign Host (DNS rebinding) is refused (403)")
st, hd, body = request("GET", BASE + "/")
check(st == 200, "the list page answers 200")
csp = hd.get("content-security-policy", "")
for part in ("default-src 'none'", "style-src 'self'", "form-action 'self'",
             "frame-ancestors 'none'"):
    check(part in csp, "Content-Security-Policy has %s" % part)
check(hd.get("x-content-type-options") == "nosniff", "X-Content-Type-Options: nosniff")
check(hd.get("referrer-policy") == "no-referrer", "Referrer-Policy: no-referrer")
check(hd.get("cache-control") == "no-store", "Cache-Control: no-store")
check(b"<script" not in body and b"<img" not in body and
      b"&lt;script&gt;alert(1)&lt;/script&gt;" in body,
      "a hostile subject shows escaped: no script or img on the page")
st, hd, _ = request("GET", BASE + "/style.css")
check(st == 200 and hd.get("content-type", "").startswith("text/css"),
      "the stylesheet is served")
st, _, _ = request("POST", BASE + "/draft", {"Content-Length": "99999999",
                   "Content-Type": "application/x-www-form-urlencoded"})
check(st == 413, "a body over review.max_upload is refused (413)")

t0 = time.time()
opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
          "--disable-gpu", "--window-size=1000,900", "--no-first-run",
          "--no-default-browser-check", "--disable-extensions",
          "--user-data-dir=" + os.environ.get("CHROME_PROFILE", "/tmp/mg-chrome")):
    opts.add_argument(a)
drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
ok("browser up in %.1fs" % (time.time() - t0))


def shot(name):
    drv.set_window_size(1000, 900)
    h = drv.execute_script("return document.documentElement.scrollHeight")
    drv.set_window_size(1000, min(max(h + 40, 600), 2400))
    p = os.path.join(args.shots, name)
    check(drv.save_screenshot(p), "screenshot " + p)


def press(by, what):
    """Clicks a button or link, and waits for the page it loads."""
    old = drv.find_element(By.TAG_NAME, "html")
    drv.find_element(by, what).click()
    WebDriverWait(drv, 30).until(EC.staleness_of(old))


def button(label):
    press(By.XPATH, "//button[text()='%s']" % label)


def open_letter(subject):
    drv.get(args.url)
    press(By.PARTIAL_LINK_TEXT, subject)
    return drv.current_url.rstrip("/").split("/")[-1]


def text(sel):
    return " ".join(e.text for e in drv.find_elements(By.CSS_SELECTOR, sel))


try:
    # The list.
    drv.get(args.url)
    items = drv.find_elements(By.CSS_SELECTOR, "ul.held li")
    check(len(items) == 4, "the list shows the 4 held letters")
    page = drv.find_element(By.TAG_NAME, "main").text
    check("not been sent" in page, "the list says they have not been sent")
    check("Harborview University Medical Genetics Residency" in page,
          "the list names the program")
    shot("review-list.png")

    # One letter: findings, evidence marked.
    fix_id = open_letter("Update: paper accepted")
    marks = [m.text for m in drv.find_elements(By.TAG_NAME, "mark")]
    check(any("[Last Name]" in m for m in marks),
          "the evidence [Last Name] is marked in the text (%r)" % marks)
    findings = text("ol.findings li")
    check("placeholder" in findings.lower() or "[Last Name]" in findings,
          "the findings say what to fix: %r" % findings[:200])
    check("MUST FIX" in findings.upper(), "a finding that holds says Must fix")
    check("=E2=80=99" not in drv.page_source and "I\u2019d" in text(".letter"),
          "the text is decoded (no quoted-printable)")
    shot("review-letter.png")

    # Edit it until it passes, then send it.
    press(By.LINK_TEXT, "Edit the letter")
    ta = drv.find_element(By.NAME, "text")
    old = ta.get_attribute("value")
    check("Dear Dr. [Last Name]," in old and "=E2" not in old,
          "the editor gets the decoded text")
    ta.clear()
    ta.send_keys(old.replace("[Last Name]", "Marchetti"))
    shot("review-edit.png")
    button("Save and check again")
    check("passes the checks now" in text(".notice"),
          "after the fix the letter passes: %r" % text(".notice"))
    check(len(upstream_files()) == 1, "nothing was sent by saving")
    button("Send it now")
    check("Sent" in drv.find_element(By.TAG_NAME, "h1").text, "the page says Sent")
    files = upstream_files()
    check(len(files) == 2, "the edited letter arrived upstream")
    raw = open(os.path.join(args.upstream, files[-1]), "rb").read()
    check(b"[Last Name]" not in raw, "no [Last Name] left in what arrived")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    check(msg["Message-ID"] == "<review-fix@example.com>" and
          msg["Subject"] == "Update: paper accepted", "its header fields are kept")
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    check("Dear Dr. Marchetti," in plain and "I\u2019d" in plain,
          "the plain part has the fix")
    check("Dear Dr. Marchetti," in html and "Lynch" in html,
          "the HTML part has the fix too")
    check(fix_id not in held_ids(), "it left the queue")

    # Send anyway: byte for byte as it was held.
    anyway_id = open_letter("Pinecrest: a short update")
    held_raw = open(os.path.join(args.spool, anyway_id + ".eml"), "rb").read()
    button("Send anyway")
    check("recorded as your decision" in drv.find_element(By.TAG_NAME, "main").text,
          "send anyway says it is recorded as the user's decision")
    shot("review-sent.png")
    files = upstream_files()
    check(len(files) == 3, "the letter sent anyway arrived upstream")
    # The one change a release makes: the Date of the release.
    arrived = open(os.path.join(args.upstream, files[-1]), "rb").read()
    undate = lambda raw: re.sub(rb"(?im)^Date:[^\r\n]*\r?\n", b"", raw, count=1)
    check(undate(arrived) == undate(held_raw),
          "it arrived byte for byte as held, but for its Date")
    check(re.search(rb"(?im)^Date: [A-Z][a-z][a-z], .* \+0000\r?$", arrived)
          is not None, "it carries a Date, that of its release")

    # The cross-site POST: a page of another origin, in the same browser,
    # posts the drop form of a held letter, even with its CSRF value (as
    # if it had leaked), and without it.
    target_id = open_letter("Cordillera: update")
    csrf = drv.find_element(
        By.CSS_SELECTOR, "form[action$='/drop'] input[name=csrf]").get_attribute("value")
    action = drv.find_element(By.CSS_SELECTOR, "form[action$='/drop']").get_attribute("action")

    class Evil(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            field = ('<input type="hidden" name="csrf" value="%s">' % csrf
                     if self.path == "/with-csrf" else "")
            body = ('<!doctype html><html><body><form id="f" method="post" '
                    'action="%s">%s<button id="go">Win a prize</button></form>'
                    '<script>document.getElementById("f").submit()</script>'
                    '</body></html>' % (action, field)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    # Threads: a socket Chromium opens ahead and leaves idle must not
    # hold up the others.
    evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    evil.daemon_threads = True
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    for path in ("/with-csrf", "/without"):
        drv.get("http://127.0.0.1:%d%s" % (evil.server_port, path))
        for _ in range(50):
            if "forms from itself" in drv.page_source or "out of date" in drv.page_source:
                break
            time.sleep(0.1)
        check("forms from itself only" in drv.page_source,
              "the cross-site POST (%s) is refused by the page" % path[1:])
        check(target_id in held_ids(), "and the letter is still held")
    shot("review-cross-site.png")
    evil.shutdown()
    tpath = urllib.parse.urlsplit(action).path
    st, _, _ = request("POST", tpath, {"Origin": "http://evil.example",
                       "Content-Type": "application/x-www-form-urlencoded"},
                       "csrf=" + csrf)
    check(st == 403, "a POST with a foreign Origin is refused (403)")
    st, _, _ = request("POST", tpath, {"Sec-Fetch-Site": "cross-site",
                       "Content-Type": "application/x-www-form-urlencoded"},
                       "csrf=" + csrf)
    check(st == 403, "a POST with Sec-Fetch-Site: cross-site is refused (403)")
    st, _, _ = request("POST", tpath, {
                       "Content-Type": "application/x-www-form-urlencoded"},
                       "csrf=" + "0" * 64)
    check(st == 403, "a POST with a wrong CSRF value is refused (403)")
    st, _, _ = request("POST", tpath.replace("/drop", "/send"), {
                       "Content-Type": "application/x-www-form-urlencoded"},
                       "csrf=" + csrf)
    check(st == 403, "one form's CSRF value does not work for another (403)")
    check(target_id in held_ids() and len(upstream_files()) == 3,
          "nothing happened to the target")

    # Drop.
    drop_id = open_letter("Riverbend: update")
    button("Delete, do not send")
    check("Deleted" in drv.find_element(By.TAG_NAME, "h1").text, "the page says Deleted")
    check(drop_id not in held_ids() and len(upstream_files()) == 3,
          "the dropped letter left the queue and was not sent")

    # Check a draft: findings, nothing sent or recorded.
    before = (ledger_count(), len(upstream_files()), held_ids())
    drv.get(args.url)
    press(By.LINK_TEXT, "Check a draft")
    drv.find_element(By.NAME, "to").send_keys("genetics-residency@harborview.edu")
    drv.find_element(By.NAME, "subject").send_keys("Thank you")
    drv.find_element(By.NAME, "text").send_keys(
        "Dear Dr. Marchetti,\n\nThank you for the interview at [Program Name]. "
        "The hereditary cancer clinic impressed me.\n\nBest regards,\nPriya Raman\n")
    button("Check it")
    check("keep this letter back" in text(".notice"), "the draft would be held")
    marks = [m.text for m in drv.find_elements(By.TAG_NAME, "mark")]
    check(any("[Program Name]" in m for m in marks), "its evidence is marked")
    shot("review-draft.png")
    check((ledger_count(), len(upstream_files()), held_ids()) == before,
          "checking a draft sent, recorded and held nothing")
    # An uploaded .eml: the same check.
    drv.get(args.url.rstrip("/") + "/draft")
    eml = os.path.join(os.path.dirname(args.ledger), "upload.eml")
    with open(eml, "w") as f:
        f.write("From: priya.raman@example.com\nTo: mgg-residency@lakeside.edu\n"
                "Subject: Hello\n\nDear Dr. Okafor,\n\nWill you rank me first? "
                "I would like to know where I stand.\n\nPriya Raman\n")
    drv.find_element(By.NAME, "eml").send_keys(eml)
    button("Check it")
    check("Lakeside" in drv.find_element(By.TAG_NAME, "main").text and
          len(drv.find_elements(By.CSS_SELECTOR, "ol.findings li")) > 0,
          "an uploaded .eml is checked too")
    check((ledger_count(), len(upstream_files()), held_ids()) == before,
          "and nothing is sent or recorded")

    # The timeline.
    press(By.LINK_TEXT, "Timeline")
    rows = {}
    for tr in drv.find_elements(By.CSS_SELECTOR, "table.timeline tbody tr"):
        tds = [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        rows[tds[0]] = tds
    hv = rows.get("Harborview University Medical Genetics Residency")
    check(hv is not None and hv[1] == "1" and re.match(r"\d{4}-\d\d-\d\d", hv[2]),
          "the timeline shows Harborview: 1 letter, its date (%r)" % (hv,))
    pc = rows.get("The Pinecrest Institute Genetics Residency")
    check(pc is not None and pc[1] == "1", "and the letter sent anyway to Pinecrest")
    rb = rows.get("Riverbend Health Medical Genetics Residency")
    check(rb is not None and rb[1] == "0" and rb[5] == "any time",
          "and nothing to Riverbend (the dropped letter)")
    shot("review-timeline.png")

    # Sent with notes.
    press(By.LINK_TEXT, "Sent with notes")
    main = drv.find_element(By.TAG_NAME, "main").text
    check("An update from Priya Raman" in main and "Okafor" in main,
          "Sent with notes shows the letter relayed with a warning")
    shot("review-notes.png")
finally:
    drv.quit()
print("browser part took %.1fs" % (time.time() - t0))
