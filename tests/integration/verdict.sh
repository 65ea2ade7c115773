#!/bin/sh
# verdict.sh - the mail client learns the verdict at Send, under the
# default smtp.on_hold ("reject-and-queue"), in local mode.
#
# 1. Real clients send a held letter through serve: swaks, msmtp, mutt in
#    batch mode (SMTP), git send-email (SMTP) and mutt through
#    `matchguard sendmail`.  Each is refused and shows "NOT SENT" and the
#    problem (mutt shows the reply's last line: it says so too); each
#    letter waits in the queue, and nothing reached the Maildir.
# 2. The same letter sent again is refused again, and not queued twice.
# 3. The letter fixed and sent again is relayed, and its held copy is
#    superseded: not listed, kept in held/superseded/, "superseded" in
#    the ledger.  A fixed letter that is still held supersedes too.
# 4. queue list shows every finding; queue show decodes the header and
#    the text (quoted-printable, an encoded subject, the HTML part);
#    --raw prints the source as held.
# 5. queue release: the letter leaves with the Date of its release, and
#    its Message-ID and every other byte unchanged; the client sending
#    it again is told "already sent".
# 6. queue edit runs $VISUAL / $EDITOR through sh -c: a path with a
#    space, and options.

. "$MG_SRCDIR/tests/integration/lib.sh"
need swaks
need msmtp
need mutt
need sqlite3
git send-email -h 2>&1 | grep -q 'git send-email' ||
    { echo "SKIP: git send-email not installed"; exit 77; }

SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
grep -q 'on_hold = "reject-and-queue"' "$conf" ||
    fail "example.conf does not show the default on_hold"
# The default is the default without the line too.
sed -i '/on_hold = /d' "$conf"
mg() { "$MG_BIN" -c "$conf" "$@"; }
state="$XDG_STATE_HOME/matchguard"
maildir="$state/sent"
ledger="$state/ledger.sqlite"
q() { sqlite3 -separator '|' "$ledger" "$1"; }
trap 'stop_serve; rm -rf "$MG_WORK"' EXIT
start_serve "$conf"
pass "serve started on port $SERVE_PORT (on_hold not set)"

me=priya.raman@example.com
datehdr="Mon, 30 Nov 2026 09:00:00 +0000"
# letter FILE TO MSGID SUBJECT GREETING [IN-REPLY-TO]: a short update
# (CRLF).
letter() {
	{
	printf '%s\r\n' "From: Priya Raman <$me>" "To: $2" "Subject: $4" \
	    "Date: $datehdr" "Message-ID: <$3>"
	[ -z "${6:-}" ] || printf 'In-Reply-To: <%s>\r\n' "$6"
	printf '%s\r\n' 'MIME-Version: 1.0' \
	    'Content-Type: text/plain; charset=utf-8' '' "Dear $5," '' \
	    'I remain very interested in your residency program and wanted' \
	    'to share that my case report on a family with Marfan syndrome' \
	    'was accepted for publication this week.' '' 'Sincerely,' \
	    'Priya Raman'
	} >"$MG_WORK/$1"
}
nqueued() { mg queue | grep -c '^[0-9]\{8\}-[0-9]\{6\}-'; }
nsent() { find "$maildir/new" -type f 2>/dev/null | wc -l; }

# 1. The clients.  Each letter goes to its own program, so that frequency
# does not join in.
letter swaks.eml genetics.residency@pinecrest.org swaks-1@example.com \
    "An update from Priya Raman" "Dr. [Last Name]"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from "$me" \
    --to genetics.residency@pinecrest.org --data "@$MG_WORK/swaks.eml" \
    >"$MG_WORK/swaks.out" 2>&1
if grep -q '^<\*\* 550-5.7.1 NOT SENT, held for review: .*template slot "Dr. \[Last Name\]"' "$MG_WORK/swaks.out" &&
    grep -q '^<\*\* 550-5.7.1 Review it: ' "$MG_WORK/swaks.out" &&
    grep -q '^<\*\* 550 5.7.1 NOT SENT (held as [0-9a-z-]*): ' "$MG_WORK/swaks.out"; then
	pass "swaks: $(grep -c '^<\*\* 550' "$MG_WORK/swaks.out") lines of 550, first: $(grep -m1 '^<\*\* 550' "$MG_WORK/swaks.out" | cut -c1-90)..."
else
	fail "swaks: not refused with the explanation: $(grep '^<' "$MG_WORK/swaks.out" | tail -5)"
fi
swaks_id=$(sed -n 's/^<\*\* 550 5.7.1 NOT SENT (held as \([0-9a-z-]*\)).*/\1/p' "$MG_WORK/swaks.out")
# Where to review it: the review page, with its token, at Send, and the
# token never in the log.
token=$(cat "$state/review-token" 2>/dev/null)
[ -n "$token" ] && grep -q "^<\*\* 550-5.7.1 Review it: http://127.0.0.1:[0-9]*/$token/" \
    "$MG_WORK/swaks.out" && pass "the 550 links the review page" ||
    fail "the 550 does not link the review page: $(grep 'Review it' "$MG_WORK/swaks.out")"
[ -n "$token" ] && ! grep -qF "$token" "$MG_WORK/serve.log" &&
    pass "the review token is not in serve's log" ||
    fail "the review token is in serve's log"
grep -q '^<\*\* 550-5.7.1 To fix it: change the letter and send it again' "$MG_WORK/swaks.out" &&
    pass "swaks: the fix is named" || fail "swaks: no fix line"

letter msmtp.eml medgen.residency@cordillera.edu msmtp-1@example.com \
    "An update" "Dr. [Last Name]"
expect_status 69 "msmtp: refused (EX_UNAVAILABLE)" msmtp --host=127.0.0.1 \
    --port="$SERVE_PORT" --from="$me" medgen.residency@cordillera.edu \
    <"$MG_WORK/msmtp.eml"
grep -q 'server message: 550-5.7.1 NOT SENT, held for review: .*Last Name' "$MG_WORK/err" &&
    pass "msmtp shows: $(grep -m1 'NOT SENT' "$MG_WORK/err" | cut -c1-90)..." ||
    fail "msmtp: $(cat "$MG_WORK/err")"

# No Fcc: mutt would file a copy only of what it sent.
printf 'set from="%s"\nset realname="Priya Raman"\nset record=""\nset use_from=yes\n' \
    "$me" >"$MG_WORK/muttrc.common"
{
	cat "$MG_WORK/muttrc.common"
	printf 'set smtp_url="smtp://127.0.0.1:%s/"\n' "$SERVE_PORT"
	printf 'set ssl_starttls=no\nset ssl_force_tls=no\n'
} >"$MG_WORK/muttrc"
printf 'Dear Dr. [Last Name],\n\nAn update: my case report was accepted.\n\nPriya Raman\n' \
    >"$MG_WORK/mutt.txt"
expect_status 1 "mutt (SMTP, batch mode): refused" mutt -n -F "$MG_WORK/muttrc" \
    -s "News from Priya Raman" -- mgg-residency@lakeside.edu <"$MG_WORK/mutt.txt"
# mutt prints the last line of the reply.
grep -q 'SMTP session failed: 550 5.7.1 NOT SENT (held as .*): .*Last Name.*To send it as it is, or to drop it: http://127.0.0.1:' \
    "$MG_WORK/out" "$MG_WORK/err" &&
    pass "mutt shows: $(cat "$MG_WORK/out" "$MG_WORK/err" | grep -m1 'NOT SENT' | cut -c1-90)..." ||
    fail "mutt: $(cat "$MG_WORK/out" "$MG_WORK/err")"

{
	cat "$MG_WORK/muttrc.common"
	printf 'set sendmail="%s -c %s sendmail -oi -oem"\n' "$MG_BIN" "$conf"
} >"$MG_WORK/muttrc.sendmail"
expect_status 1 "mutt (sendmail = matchguard sendmail): refused" mutt -n \
    -F "$MG_WORK/muttrc.sendmail" -s "An update for Northgate" -- \
    mggresidency@northgate.edu <"$MG_WORK/mutt.txt"
grep -q 'NOT SENT, held for review: .*Last Name' "$MG_WORK/out" "$MG_WORK/err" &&
    pass "mutt via sendmail shows the explanation" ||
    fail "mutt via sendmail: $(cat "$MG_WORK/out" "$MG_WORK/err")"

repo="$MG_WORK/repo"
git init -q "$repo"
printf 'notes\n' >"$repo/notes.txt"
git -C "$repo" add notes.txt
git -C "$repo" -c user.name="Priya Raman" -c user.email="$me" commit -qm \
    "Dear Dr. [Last Name], an update on my application"
git -C "$repo" format-patch -q -1 -o "$MG_WORK/patches"
git -C "$repo" -c user.name="Priya Raman" -c user.email="$me" send-email \
    --smtp-server=127.0.0.1 --smtp-server-port="$SERVE_PORT" \
    --smtp-encryption=none --from="$me" \
    --to=genetics.residency@riverbendhealth.org --confirm=never \
    --suppress-cc=all "$MG_WORK"/patches/*.patch >"$MG_WORK/git.out" 2>&1
st=$?
[ "$st" -ne 0 ] && grep -q '5.7.1 NOT SENT, held for review: .*Last Name' "$MG_WORK/git.out" &&
    pass "git send-email (exit $st) shows: $(grep -m1 'NOT SENT' "$MG_WORK/git.out" | cut -c1-80)..." ||
    fail "git send-email (exit $st): $(cat "$MG_WORK/git.out")"

[ "$(nqueued)" = 5 ] && pass "the five letters wait in the queue" ||
    fail "queue: $(mg queue)"
[ "$(nsent)" = 0 ] && pass "none reached the Maildir" || fail "$(nsent) letters were sent"

# 2. The same letter again: refused the same way, not queued twice.
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from "$me" \
    --to genetics.residency@pinecrest.org --data "@$MG_WORK/swaks.eml" \
    >"$MG_WORK/swaks2.out" 2>&1
grep -q "^<\*\* 550 5.7.1 NOT SENT (held as $swaks_id)" "$MG_WORK/swaks2.out" &&
    [ "$(nqueued)" = 5 ] &&
    pass "sent again unchanged: refused again as $swaks_id, not queued twice" ||
    fail "sent again: $(grep '^<' "$MG_WORK/swaks2.out" | tail -2); $(nqueued) queued"

# 3. Fixed and sent again: relayed; the held copy is superseded.
letter fixed.eml genetics.residency@pinecrest.org swaks-1-fixed@example.com \
    "An update from Priya Raman" "Dr. Osei"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from "$me" \
    --to genetics.residency@pinecrest.org --data "@$MG_WORK/fixed.eml" \
    >"$MG_WORK/fixed.out" 2>&1
grep -q '^<-  250 2.0.0 delivered to' "$MG_WORK/fixed.out" &&
    pass "the fixed letter is relayed" ||
    fail "fixed letter: $(grep '^<' "$MG_WORK/fixed.out" | tail -3)"
mg queue >"$MG_WORK/list"
grep -q "^$swaks_id" "$MG_WORK/list" &&
    fail "the superseded letter is still listed as held" ||
    pass "the older held copy is no longer listed"
[ -f "$state/held/superseded/$swaks_id.env" ] && [ -f "$state/held/superseded/$swaks_id.eml" ] &&
    pass "it is kept in held/superseded/" || fail "held/superseded/: $(ls -R "$state/held")"
# serve sets the older copy aside after its reply to the client.
state_of() { q "SELECT state FROM held WHERE spool_id = '$1'"; }
wait_state() {
	for _ in $(seq 50); do
		[ "$(state_of "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
wait_state "$swaks_id" superseded &&
    pass "the ledger says superseded" ||
    fail "held row: $(q "SELECT spool_id, state FROM held")"
grep -q "held message $swaks_id superseded by a newer version of it" "$MG_WORK/serve.log" &&
    pass "serve logs it" || fail "no log line: $(tail -3 "$MG_WORK/serve.log")"

# A fixed letter still held (another problem) supersedes its older copy
# too; so does one whose subject changed, by its In-Reply-To; one with
# another subject and no In-Reply-To is another letter.
cordillera_id=$(mg queue | sed -n 's/^\([0-9a-z-]*\)  .*cordillera .*/\1/p' | head -1)
letter other.eml medgen.residency@cordillera.edu msmtp-3@example.com \
    "A question about away rotations" "[Program Director]"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from "$me" \
    --to medgen.residency@cordillera.edu --data "@$MG_WORK/other.eml" \
    >"$MG_WORK/other.out" 2>&1
other_id=$(sed -n 's/^<\*\* 550 5.7.1 NOT SENT (held as \([0-9a-z-]*\)).*/\1/p' "$MG_WORK/other.out")
[ -n "$other_id" ] && mg queue | grep -q "^$cordillera_id" &&
    pass "another subject, no In-Reply-To: another letter; $cordillera_id stays held" ||
    fail "other: $(grep '^<' "$MG_WORK/other.out" | tail -1); $(mg queue | head -3)"
letter refix.eml medgen.residency@cordillera.edu msmtp-2@example.com \
    "An update" "[Program Director]"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from "$me" \
    --to medgen.residency@cordillera.edu --data "@$MG_WORK/refix.eml" \
    >"$MG_WORK/refix.out" 2>&1
refix_id=$(sed -n 's/^<\*\* 550 5.7.1 NOT SENT (held as \([0-9a-z-]*\)).*/\1/p' "$MG_WORK/refix.out")
[ -n "$refix_id" ] && wait_state "$cordillera_id" superseded &&
    mg queue | grep -q "^$refix_id" && mg queue | grep -q "^$other_id" &&
    pass "fixed but still held ($refix_id): it supersedes $cordillera_id, not $other_id" ||
    fail "refix: $(grep '^<' "$MG_WORK/refix.out" | tail -1); $(q "SELECT spool_id, state FROM held")"
letter irt.eml genetics.residency@pinecrest.org irt-1@example.com \
    "Re: Interview day" "Dr. [Last Name]" invite-1@pinecrest.org
letter irt2.eml genetics.residency@pinecrest.org irt-2@example.com \
    "Re: Interview day, my availability" "Dr. [Last Name]" invite-1@pinecrest.org
for f in irt irt2; do
	swaks --server 127.0.0.1 --port "$SERVE_PORT" --from "$me" \
	    --to genetics.residency@pinecrest.org --data "@$MG_WORK/$f.eml" \
	    >"$MG_WORK/$f.out" 2>&1
done
irt_id=$(sed -n 's/^<\*\* 550 5.7.1 NOT SENT (held as \([0-9a-z-]*\)).*/\1/p' "$MG_WORK/irt.out")
[ -n "$irt_id" ] && wait_state "$irt_id" superseded &&
    pass "the same In-Reply-To, another subject: $irt_id superseded" ||
    fail "In-Reply-To: $(q "SELECT spool_id, subject, state FROM held")"

# 4. queue list: every finding; queue show: decoded, and --raw.
{
	printf '%s\r\n' "From: =?UTF-8?Q?Priya_Ram=C3=A1n?= <$me>" \
	    'To: genetics-residency@harborview.edu' \
	    'Subject: =?UTF-8?Q?Thank_you_=E2=80=94_my_interview?=' \
	    "Date: $datehdr" 'Message-ID: <qp-1@example.com>' \
	    'MIME-Version: 1.0' \
	    'Content-Type: multipart/alternative; boundary="b1"' '' '--b1' \
	    'Content-Type: text/plain; charset=utf-8' \
	    'Content-Transfer-Encoding: quoted-printable' '' \
	    'Dear Dr. [Last Name],' '' \
	    'I=E2=80=99m grateful for the interview and the tour of the clinic.' '' \
	    'Priya' '--b1' 'Content-Type: text/html; charset=utf-8' \
	    'Content-Transfer-Encoding: quoted-printable' '' \
	    '<p>Dear Dr. [Last Name],</p><p>I=E2=80=99m grateful for the interview and the tour of the clinic.</p><p>See you in the spring.</p><p>Priya</p>' \
	    '--b1--'
} >"$MG_WORK/qp.eml"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from "$me" \
    --to genetics-residency@harborview.edu --data "@$MG_WORK/qp.eml" \
    >"$MG_WORK/qp.out" 2>&1
qp_id=$(sed -n 's/^<\*\* 550 5.7.1 NOT SENT (held as \([0-9a-z-]*\)).*/\1/p' "$MG_WORK/qp.out")
[ -n "$qp_id" ] || fail "the quoted-printable letter is not held: $(grep '^<' "$MG_WORK/qp.out" | tail -2)"
nlist=$(mg queue | awk -v id="$qp_id" '$1 == id {on = 1; next} /^[0-9]/ {on = 0} on && /^    \[/' | wc -l)
nfind=$(grep -c '^finding ' "$state/held/$qp_id.env")
[ "$nlist" = "$nfind" ] && [ "$nfind" -ge 2 ] &&
    pass "queue list shows all $nfind findings of $qp_id" ||
    fail "queue list shows $nlist of $nfind findings: $(mg queue)"

expect_status 0 "queue show $qp_id" mg queue show "$qp_id"
cp "$MG_WORK/out" "$MG_WORK/show.out"
grep -q '^Subject: Thank you — my interview$' "$MG_WORK/show.out" &&
    grep -q '^From:    Priya Ramán <priya.raman@example.com>$' "$MG_WORK/show.out" &&
    grep -q "^I’m grateful for the interview" "$MG_WORK/show.out" &&
    grep -q '^----- the HTML version -----$' "$MG_WORK/show.out" &&
    ! grep -q '=E2=80=99\|=?UTF-8?' "$MG_WORK/show.out" &&
    pass "queue show decodes the subject, the sender and both parts" ||
    fail "queue show: $(cat "$MG_WORK/show.out")"
expect_status 0 "queue show --raw" mg queue show "$qp_id" --raw
cmp -s "$MG_WORK/out" "$state/held/$qp_id.eml" &&
    pass "queue show --raw prints the source as held, and nothing else" ||
    fail "--raw differs from the held source"

# 5. Released: the Date of its release, the rest unchanged; the client
# sending the same letter again is told it went.
cp "$state/held/$qp_id.eml" "$MG_WORK/qp.held"
before=$(date +%s)
expect_status 0 "queue release $qp_id" mg queue release "$qp_id"
got=$(grep -l 'qp-1@example.com' "$maildir"/new/* 2>/dev/null | head -1)
if [ -n "$got" ]; then
	rdate=$(sed -n 's/^Date: \(.*\)\r$/\1/p' "$got")
	rsec=$(date -d "$rdate" +%s 2>/dev/null || echo 0)
	[ "$rsec" -ge $((before - 1)) ] && [ "$rsec" -le $(($(date +%s) + 1)) ] &&
	    pass "released with the Date of its release: $rdate (held with $datehdr)" ||
	    fail "released letter's Date: \"$rdate\""
	grep -v '^Date:' "$got" >"$MG_WORK/rel.a"
	grep -v '^Date:' "$MG_WORK/qp.held" >"$MG_WORK/rel.b"
	[ "$(grep -c '^Date:' "$got")" = 1 ] && cmp -s "$MG_WORK/rel.a" "$MG_WORK/rel.b" &&
	    pass "every other byte as held, the Message-ID included" ||
	    fail "the released letter differs from the held one beyond its Date"
else
	fail "the released letter is not in the Maildir"
fi
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from "$me" \
    --to genetics-residency@harborview.edu --data "@$MG_WORK/qp.eml" \
    >"$MG_WORK/qp2.out" 2>&1
grep -q '^<-  250 2.0.0 already sent: .*released from the queue' "$MG_WORK/qp2.out" &&
    [ "$(grep -l 'qp-1@example.com' "$maildir"/new/* | wc -l)" = 1 ] &&
    pass "sent again after its release: \"already sent\", not sent twice" ||
    fail "after release: $(grep '^<[-*]' "$MG_WORK/qp2.out" | tail -3)"

# 6. $EDITOR through sh -c: a path with a space, and an option.
mkdir -p "$MG_WORK/my tools"
cat >"$MG_WORK/my tools/fix it.sh" <<'SH'
#!/bin/sh
# fix it.sh --mode MODE FILE: records its arguments, fixes the greeting.
printf '%s\n' "$#" "$@" >"$(dirname "$0")/args"
sed -i 's/\[Last Name\]/Osei/g' "$3"
SH
chmod +x "$MG_WORK/my tools/fix it.sh"
ed_id=$(mg queue | sed -n 's/^\([0-9a-z-]*\)  .*northgate .*/\1/p' | head -1)
export VISUAL= EDITOR="'$MG_WORK/my tools/fix it.sh' --mode \"two words\""
expect_status 0 "queue edit with EDITOR=$EDITOR" mg queue edit "$ed_id"
if [ "$(sed -n 1p "$MG_WORK/my tools/args")" = 3 ] &&
    [ "$(sed -n 2p "$MG_WORK/my tools/args")" = --mode ] &&
    [ "$(sed -n 3p "$MG_WORK/my tools/args")" = "two words" ] &&
    sed -n 4p "$MG_WORK/my tools/args" | grep -q '^/tmp/matchguard-edit-.*\.txt$'; then
	pass "the editor ran through sh -c: $(tr '\n' ' ' <"$MG_WORK/my tools/args")"
else
	fail "editor arguments: $(cat "$MG_WORK/my tools/args" 2>/dev/null)"
fi
grep -q 'Dear Dr. Osei' "$state/held/$ed_id.eml" &&
    pass "the edited letter is saved in the queue" || fail "edit not saved"
export VISUAL="'$MG_WORK/my tools/fix it.sh' --visual \"wins\"" EDITOR=false
expect_status 0 "queue edit: VISUAL before EDITOR" mg queue edit "$ed_id"
[ "$(sed -n 3p "$MG_WORK/my tools/args")" = wins ] &&
    pass "VISUAL is used before EDITOR" || fail "VISUAL: $(cat "$MG_WORK/my tools/args")"
finish
