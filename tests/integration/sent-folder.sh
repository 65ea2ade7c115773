#!/bin/sh
# sent-folder.sh - the Sent folder stays true.  A mail client files in
# its Sent folder every letter that got a 250, held by matchguard or not.
# Against a real Dovecot: the Sent copies of a letter still held, one
# dropped, one released, one refused (on_hold = "reject") and one held
# without a Message-ID (known by its bytes) are read by poll --once; none
# is recorded as sent, the released one is in the ledger once (from its
# release), and the corrected letter sent after the held one is not
# stopped by frequency ("you last wrote ...").  import-sent of Dovecot's
# Maildir knows the same copies by their Message-IDs.  The letters are
# short (under template_min_words), so generic-template does not compare
# them with one another.

. "$MG_SRCDIR/tests/integration/lib.sh"
. "$MG_SRCDIR/tests/integration/imap_lib.sh"
need_dovecot
need sqlite3

trap 'stop_dovecot; rm -rf "$MG_WORK"' EXIT
start_dovecot
pass "dovecot started on port $IMAP_PORT"

me=priya.raman@example.com
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
conf=$MG_WORK/matchguard.conf
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
cat >>"$conf" <<CONF
imap = {
  host = "127.0.0.1"; port = $IMAP_PORT; tls = "none";
  user = "priya"; password_command = "echo secret";
  folders = [ "INBOX" ]; sent_folder = "Sent";
};
CONF
sed -e 's/on_hold = "queue";/on_hold = "reject";/' "$conf" >"$MG_WORK/reject.conf"
grep -q 'on_hold = "reject"' "$MG_WORK/reject.conf" ||
    fail "reject.conf: on_hold is not \"reject\""
mg() { "$MG_BIN" -c "$conf" "$@"; }
ledger="$XDG_STATE_HOME/matchguard/ledger.sqlite"
q() { sqlite3 -separator '|' "$ledger" "$1"; }

datehdr=$(date -R)
day=$(date +%Y-%m-%d)
# letter FILE TO GREETING MSGID SUBJECT (MSGID "-": none).  With
# GREETING "Dr. [Last Name]" the placeholder rule holds it.
letter() {
	{
		printf '%s\r\n' "From: Priya Raman <$me>" "To: $2" \
		    "Subject: $5" "Date: $datehdr"
		[ "$4" = - ] || printf 'Message-ID: <%s>\r\n' "$4"
		printf '%s\r\n' 'MIME-Version: 1.0' \
		    'Content-Type: text/plain; charset=utf-8' '' \
		    "Dear $3," '' \
		    'I remain very interested in your residency program and wanted' \
		    'to share that my case report on a family with Marfan syndrome' \
		    'was accepted for publication this week.' '' \
		    'Sincerely,' 'Priya Raman'
	} >"$MG_WORK/$1"
}
letter held.eml genetics.residency@pinecrest.org "Dr. [Last Name]" \
    held-1@example.com "An update from Priya Raman"
letter fixed.eml genetics.residency@pinecrest.org "Dr. Osei" \
    held-1-fixed@example.com "An update from Priya Raman"
letter dropped.eml medgen.residency@cordillera.edu "Dr. [Last Name]" \
    dropped-1@example.com "An update"
letter released.eml mgg-residency@lakeside.edu "Dr. [Last Name]" \
    released-1@example.com "News from Priya Raman"
letter rejected.eml genetics.residency@riverbendhealth.org "Dr. [Last Name]" \
    rejected-1@example.com "An update for Riverbend"
letter noid.eml mggresidency@northgate.edu "Dr. [Last Name]" - \
    "An update for Northgate"

# queued SUBJECT: the ID of the held letter with that subject.
queued() {
	mg queue 2>&1 | sed -n "s/^\([^ ]*\)  .*  $1\$/\1/p" | head -1
}

# The letters, through the guard as the mail client sent them.
for l in held dropped released noid; do
	expect_status 0 "sendmail: $l.eml" mg sendmail -t <"$MG_WORK/$l.eml"
	grep -q "held for review" "$MG_WORK/err" && pass "$l.eml is held" ||
	    fail "$l.eml is not held: $(cat "$MG_WORK/err")"
done
expect_status 69 "sendmail with on_hold = \"reject\": rejected.eml refused" \
    "$MG_BIN" -c "$MG_WORK/reject.conf" sendmail -t <"$MG_WORK/rejected.eml"
held_id=$(queued "An update from Priya Raman")
dropped_id=$(queued "An update")
released_id=$(queued "News from Priya Raman")
noid_id=$(queued "An update for Northgate")
[ -n "$held_id" ] && [ -n "$dropped_id" ] && [ -n "$released_id" ] &&
    [ -n "$noid_id" ] && pass "held: $held_id $dropped_id $released_id $noid_id" ||
    fail "queue: $(mg queue 2>&1)"
expect_status 0 "queue drop" mg queue drop "$dropped_id"
expect_status 0 "queue release" mg queue release "$released_id"
q "SELECT spool_id, state, message_id IS NOT NULL, content_hash IS NOT NULL
   FROM held ORDER BY date, id" >"$MG_WORK/held.rows"
pass "held rows: $(tr '\n' ';' <"$MG_WORK/held.rows")"
[ "$(grep -c '|1$' "$MG_WORK/held.rows")" = 5 ] &&
    pass "every held row keeps its content hash" ||
    fail "held rows without a content hash: $(cat "$MG_WORK/held.rows")"
[ "$(q "SELECT count(*) FROM sent")" = 1 ] &&
    [ "$(q "SELECT verdict FROM sent WHERE message_id = 'released-1@example.com'")" = released ] &&
    pass "before the poll: one letter sent (the released one)" ||
    fail "before the poll: $(q "SELECT message_id, verdict FROM sent")"

# The mail client filed all five in Sent.
for l in held dropped released rejected noid; do
	deliver Sent "$day" "$MG_WORK/$l.eml" '(\Seen)'
done
expect_status 0 "poll --once reads the five copies" mg poll --once
cp "$MG_WORK/err" "$MG_WORK/poll.err"
grep -q "0 sent messages recorded" "$MG_WORK/out" &&
    pass "poll: $(cat "$MG_WORK/out")" ||
    fail "poll recorded copies: $(cat "$MG_WORK/out") $(cat "$MG_WORK/poll.err")"
for id in "$held_id" "$dropped_id" "$noid_id" rejected-; do
	grep -q "copy of the letter held for review $id" "$MG_WORK/poll.err" &&
	    pass "poll says: $(grep "held for review $id" "$MG_WORK/poll.err" | sed 's/^[^i]*imap/imap/')" ||
	    fail "no log line for the copy of $id: $(cat "$MG_WORK/poll.err")"
done
q "SELECT message_id, verdict FROM sent ORDER BY id" >"$MG_WORK/sent.rows"
if [ "$(cat "$MG_WORK/sent.rows")" = "released-1@example.com|released" ]; then
	pass "after the poll: only the released letter, once ($(cat "$MG_WORK/sent.rows"))"
else
	fail "after the poll, sent holds: $(cat "$MG_WORK/sent.rows")"
fi
[ "$(q "SELECT count(*) FROM sent_program")" = 1 ] &&
    pass "one program row (lakeside)" ||
    fail "program rows: $(q "SELECT program, date FROM sent_program")"

# The corrected letter to Pinecrest, a minute after the held one: had the
# held copy been recorded, frequency would hold it ("less than a day").
expect_status 0 "sendmail: the corrected letter" mg sendmail -t <"$MG_WORK/fixed.eml"
if grep -q "held for review" "$MG_WORK/err"; then
	fail "the corrected letter is held: $(cat "$MG_WORK/err")"
else
	pass "the corrected letter is relayed, not held by frequency"
fi
[ "$(q "SELECT verdict FROM sent WHERE message_id = 'held-1-fixed@example.com'")" = pass ] &&
    pass "the corrected letter is recorded (pass)" ||
    fail "corrected letter: $(q "SELECT message_id, verdict FROM sent")"
deliver Sent "$day" "$MG_WORK/fixed.eml" '(\Seen)'
expect_status 0 "poll --once after the corrected letter" mg poll --once
grep -q "0 sent messages recorded" "$MG_WORK/out" &&
    pass "its Sent copy is a duplicate: $(cat "$MG_WORK/out")" ||
    fail "poll: $(cat "$MG_WORK/out")"

# import-sent of the same Sent folder, from Dovecot's Maildir files:
# the copies with a Message-ID are known again.  Dovecot keeps the files
# with LF line ends, so the copy without a Message-ID (known to IMAP by
# its bytes, CRLF) is not the same bytes here and is recorded: a letter
# without a Message-ID is known by its exact bytes only (matchguard(1)).
expect_status 0 "import-sent of the Sent Maildir" mg import-sent "$DV_MAILDIR/.Sent"
cp "$MG_WORK/out" "$MG_WORK/import.out"
grep -q "^6 messages read: 1 recorded, 2 already in the ledger" "$MG_WORK/import.out" &&
    grep -q "^3 copies of letters matchguard held for review, not recorded as sent" \
    "$MG_WORK/import.out" &&
    grep -q '^recorded [0-9-]*, .* to .*Northgate.*: "An update for Northgate"' "$MG_WORK/import.out" &&
    pass "import-sent: $(tail -2 "$MG_WORK/import.out" | tr '\n' ' ')" ||
    fail "import-sent: $(cat "$MG_WORK/import.out") $(cat "$MG_WORK/err")"
for id in "$held_id" "$dropped_id" rejected-; do
	grep -q "^not recorded: .* held for review ($id" "$MG_WORK/import.out" ||
	    fail "import-sent: no line for the copy of $id"
done
q "SELECT coalesce(message_id, '-'), verdict FROM sent ORDER BY id" >"$MG_WORK/sent.rows"
[ "$(tr '\n' ' ' <"$MG_WORK/sent.rows")" = "released-1@example.com|released held-1-fixed@example.com|pass -|imported " ] &&
    pass "the ledger: $(tr '\n' ' ' <"$MG_WORK/sent.rows")" ||
    fail "the ledger: $(cat "$MG_WORK/sent.rows")"
finish
