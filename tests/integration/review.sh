#!/bin/sh
# review.sh - the review page of matchguard serve, in a real browser
# (headless Chromium through chromedriver and python3-selenium), with a
# real upstream (aiosmtpd, upstream.py) and swaks as the mail client.
# Letters held through serve show on the page with their findings and
# the evidence marked; one is edited until it passes, then sent, and
# arrives with the fix in its plain and HTML parts; one is sent anyway
# (byte for byte but for the Date of its release, recorded as released);
# one is dropped; a draft is
# checked (nothing sent or recorded); the timeline and "Sent with notes";
# a wrong token, a foreign Host, a POST without its CSRF value or from
# another site (a page of another origin, in the same browser) are all
# refused and change nothing; every answer has the security headers.
# review_browser.py does the browser part and the HTTP probes; this
# script starts the servers, sends the letters and checks the ledger.
# Screenshots: tests/integration/review.shots/ in the build directory.

. "$MG_SRCDIR/tests/integration/lib.sh"
need swaks
need sqlite3
need_aiosmtpd
for t in /usr/bin/chromium /usr/bin/chromedriver; do
	[ -x "$t" ] || { echo "SKIP: $t not installed"; exit 77; }
done
/usr/bin/python3 -c 'import selenium' 2>/dev/null ||
    { echo "SKIP: python3-selenium not installed"; exit 77; }

trap 'stop_serve; stop_upstream; rm -rf "$MG_WORK"' EXIT
start_upstream
SERVE_PORT=$(free_port)
REVIEW_PORT=$(free_port)
review_conf

# A setting that would open the page to the network is refused.
sed 's/^review = { port = \([0-9]*\); };$/review = { listen = "0.0.0.0"; port = \1; };/' \
    "$conf" >"$MG_WORK/open.conf"
expect_status 2 "review.listen = 0.0.0.0 is refused" \
    "$MG_BIN" -c "$MG_WORK/open.conf" review-url
one_line_error 'open\.conf:[0-9]+: review\.listen: "0\.0\.0\.0" is not a loopback address' \
    "the refusal names the file, line and setting"

sed 's/^review = { port = \([0-9]*\); };$/review = { enabled = false; port = \1; };/' \
    "$conf" >"$MG_WORK/off.conf"
expect_status 2 "review-url with review.enabled = false" \
    "$MG_BIN" -c "$MG_WORK/off.conf" review-url
one_line_error 'the review page is off \(review\.enabled = false' \
    "review-url says the page is off"

"$MG_BIN" -c "$conf" serve >"$MG_WORK/serve.out" 2>>"$MG_WORK/serve.log" &
SERVE_PID=$!
for _ in $(seq 50); do
	grep -q '^review page: ' "$MG_WORK/serve.out" && break
	sleep 0.1
done
url=$("$MG_BIN" -c "$conf" review-url)
if [ "$(grep -c . "$MG_WORK/serve.out")" -eq 1 ] &&
    [ "$(cat "$MG_WORK/serve.out")" = "review page: $url" ]; then
	pass "serve prints the page's address on one line, as review-url does"
else
	fail "serve's output: $(cat "$MG_WORK/serve.out"), review-url: $url"
fi
case $url in
http://127.0.0.1:$REVIEW_PORT/????????????????????????/) pass "the URL carries a 24-character token" ;;
*) fail "review-url printed $url" ;;
esac
tokfile="$XDG_STATE_HOME/matchguard/review-token"
[ "$(stat -c %a "$tokfile")" = 600 ] && pass "the token file is 0600" ||
    fail "the token file is mode $(stat -c %a "$tokfile")"
if grep -q "$(cat "$tokfile")" "$MG_WORK/serve.log"; then
	fail "the token is in serve's log"
else
	pass "the token is not in serve's log"
fi

# send FILE TO: one letter through serve.
send() {
	swaks --server 127.0.0.1 --port "$SERVE_PORT" -f priya.raman@example.com \
	    -t "$2" --data "@$1" >"$MG_WORK/swaks.out" 2>&1 ||
	    fail "swaks: $(tail -3 "$MG_WORK/swaks.out")"
}
# letter FILE TO SUBJECT GREETING ID: a multipart/alternative letter.
letter() {
	printf '%s\r\n' \
	    'From: Priya Raman <priya.raman@example.com>' \
	    "To: $2" \
	    "Subject: $3" \
	    "Date: $(date -R)" \
	    "Message-ID: <$5@example.com>" \
	    'MIME-Version: 1.0' \
	    'Content-Type: multipart/alternative; boundary="b1"' \
	    '' \
	    '--b1' \
	    'Content-Type: text/plain; charset=utf-8' \
	    'Content-Transfer-Encoding: quoted-printable' \
	    '' \
	    "$4" \
	    '' \
	    'Thank you for the interview last month. Since then my paper on Lynch' \
	    'syndrome screening was accepted in Genetics in Medicine, and I=E2=80=99d' \
	    'like to share it with the program.' \
	    '' \
	    'Best regards,' \
	    'Priya Raman' \
	    '--b1' \
	    'Content-Type: text/html; charset=utf-8' \
	    '' \
	    "<html><body><p>$4</p><p>Thank you for the interview last month. Since" \
	    'then my paper on Lynch syndrome screening was accepted in Genetics in' \
	    'Medicine, and I would like to share it with the program.</p>' \
	    '<p>Best regards,<br>Priya Raman</p></body></html>' \
	    '--b1--' >"$1"
}
letter "$MG_WORK/warn.eml" mgg-residency@lakeside.edu "An update from Priya Raman" \
    "Dear Dr. Okafur," review-warn
send "$MG_WORK/warn.eml" mgg-residency@lakeside.edu
letter "$MG_WORK/fix.eml" genetics-residency@harborview.edu "Update: paper accepted" \
    "Dear Dr. [Last Name]," review-fix
send "$MG_WORK/fix.eml" genetics-residency@harborview.edu
letter "$MG_WORK/anyway.eml" genetics.residency@pinecrest.org "Pinecrest: a short update" \
    "Dear Dr. [Last Name]," review-anyway
send "$MG_WORK/anyway.eml" genetics.residency@pinecrest.org
# (A hostile subject: it must show as text, never as markup.)
letter "$MG_WORK/drop.eml" genetics.residency@riverbendhealth.org \
    "Riverbend: update <script>alert(1)</script><img src=x onerror=alert(2)>" \
    "Dear [Program Director]," review-drop
send "$MG_WORK/drop.eml" genetics.residency@riverbendhealth.org
letter "$MG_WORK/target.eml" medgen.residency@cordillera.edu "Cordillera: update" \
    "Dear Dr. [Last Name]," review-target
send "$MG_WORK/target.eml" medgen.residency@cordillera.edu

n=$(ls "$XDG_STATE_HOME/matchguard/held/"*.env 2>/dev/null | wc -l)
[ "$n" -eq 4 ] && pass "four letters held" || fail "$n letters held, wanted 4"
[ -f "$UP_OUT/1.eml" ] && [ ! -f "$UP_OUT/2.eml" ] &&
    pass "the letter with a warning was relayed, the others held" ||
    fail "upstream has: $(ls "$UP_OUT")"

shots="$PWD/tests/integration/review.shots"
mkdir -p "$shots"
CHROME_PROFILE="$MG_WORK/chrome" /usr/bin/python3 \
    "$MG_SRCDIR/tests/integration/review_browser.py" --url "$url" \
    --upstream "$UP_OUT" --spool "$XDG_STATE_HOME/matchguard/held" \
    --ledger "$XDG_STATE_HOME/matchguard/ledger.sqlite" \
    --shots "$shots" >"$MG_WORK/browser.out" 2>&1
rc=$?
cat "$MG_WORK/browser.out"
[ $rc -eq 0 ] && pass "the browser's checks" ||
    fail "review_browser.py exited $rc"

# The ledger: the edited letter sent after its new check ("pass"), the
# other sent anyway ("released"), the dropped one and the cross-site
# target as they should be.
db="$XDG_STATE_HOME/matchguard/ledger.sqlite"
q() { sqlite3 "$db" "$1"; }
[ "$(q "SELECT verdict FROM sent WHERE message_id = 'review-fix@example.com'")" = pass ] &&
    pass "the edited letter is recorded as sent after its check" ||
    fail "edited letter: $(q "SELECT verdict FROM sent WHERE message_id = 'review-fix@example.com'")"
[ "$(q "SELECT verdict FROM sent WHERE message_id = 'review-anyway@example.com'")" = released ] &&
    pass "send anyway is recorded as the user's decision (released)" ||
    fail "sent anyway: $(q "SELECT verdict FROM sent WHERE message_id = 'review-anyway@example.com'")"
[ "$(q "SELECT state FROM held WHERE message_id = 'review-drop@example.com'")" = dropped ] &&
    pass "the dropped letter is recorded as dropped, not sent" ||
    fail "dropped: $(q "SELECT state FROM held WHERE message_id = 'review-drop@example.com'")"
[ "$(q "SELECT count(*) FROM sent WHERE message_id IN ('review-drop@example.com', 'review-target@example.com')")" = 0 ] &&
    pass "neither the dropped letter nor the cross-site target was sent" ||
    fail "a dropped or targeted letter is in sent"
[ "$(q "SELECT state FROM held WHERE message_id = 'review-target@example.com'")" = held ] &&
    pass "the target of the cross-site POST is still held" ||
    fail "target: $(q "SELECT state FROM held WHERE message_id = 'review-target@example.com'")"
[ "$(q "SELECT verdict FROM sent WHERE message_id = 'review-warn@example.com'")" = warn ] ||
    fail "the letter with a note is not recorded as warn"

# queue edit: the editor gets the decoded text, not the MIME source, and
# the HTML alternative is made again from what it saves.
tid=$(sqlite3 "$db" "SELECT spool_id FROM held WHERE message_id = 'review-target@example.com'")
cat >"$MG_WORK/editor.sh" <<'ED'
#!/bin/sh
if grep -q -e 'Content-Type' -e '=E2=80' -e '^--b1' "$1" ||
    ! grep -q 'I’d' "$1"; then
	echo "the editor got MIME source" >&2
	exit 1
fi
sed -i 's/\[Last Name\]/Núñez-Ortega/' "$1"
ED
chmod +x "$MG_WORK/editor.sh"
expect_status 0 "queue edit of a multipart letter" env VISUAL="$MG_WORK/editor.sh" \
    "$MG_BIN" -c "$conf" queue edit "$tid"
if /usr/bin/python3 - "$XDG_STATE_HOME/matchguard/held/$tid.eml" <<'PY'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
p = m.get_body(("plain",)).get_content()
h = m.get_body(("html",)).get_content()
ok = ("Dear Dr. Núñez-Ortega," in p and "Dear Dr. Núñez-Ortega," in h and
      "[Last Name]" not in p + h and "I’d" in p and
      m["Message-ID"] == "<review-target@example.com>")
sys.exit(0 if ok else 1)
PY
then
	pass "queue edit put the new text in the plain and the HTML part"
else
	fail "queue edit: $(cat "$XDG_STATE_HOME/matchguard/held/$tid.eml")"
fi

stop_serve
finish
