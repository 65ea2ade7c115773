#!/bin/sh
# notes-notice.sh - against a real Dovecot, with serve under the default
# smtp.on_hold and imap notices on:
# 1. A letter with a warning (a misspelt director) is relayed, and a
#    "Sent, with notes" notice with its finding lands in the INBOX; the
#    ledger's row keeps the finding (what the review page lists); the
#    notice's entry in <state>/notes is gone once it was sent.
# 2. A held letter: 550 at Send, and a "Held:" notice that says where to
#    review it.
# 3. Fixed and sent again: the held copy is superseded.  Its copy in the
#    Sent folder (a client that filed it) is never recorded as sent; the
#    fixed letter's copy is known; the released one is recorded once.

. "$MG_SRCDIR/tests/integration/lib.sh"
. "$MG_SRCDIR/tests/integration/imap_lib.sh"
need_dovecot
need swaks
need sqlite3

trap 'stop_serve; stop_dovecot; rm -rf "$MG_WORK"' EXIT
start_dovecot
pass "dovecot started on port $IMAP_PORT"

SERVE_PORT=$(free_port)
me=priya.raman@example.com
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
cat >>"$conf" <<CONF
imap = {
  host = "127.0.0.1"; port = $IMAP_PORT; tls = "none";
  user = "priya"; password_command = "echo secret";
  folders = [ "INBOX" ]; sent_folder = "Sent";
};
CONF
mg() { "$MG_BIN" -c "$conf" "$@"; }
state="$XDG_STATE_HOME/matchguard"
ledger="$state/ledger.sqlite"
q() { sqlite3 -separator '|' "$ledger" "$1"; }
inbox() { cat "$DV_MAILDIR"/new/* "$DV_MAILDIR"/cur/* 2>/dev/null; }
# wait_notice PATTERN: until a message in the INBOX has that Subject.
wait_notice() {
	for _ in $(seq 100); do
		grep -l "^Subject: $1" "$DV_MAILDIR"/new/* "$DV_MAILDIR"/cur/* \
		    2>/dev/null | head -1 | grep . && return 0
		sleep 0.1
	done
	return 1
}
send() {
	swaks --server 127.0.0.1 --port "$SERVE_PORT" --from "$me" --to "$1" \
	    --data "@$2" >"$MG_WORK/swaks.out" 2>&1
}
start_serve "$conf"
pass "serve started on port $SERVE_PORT"

# 1. Sent, with notes.
sed -e "s/^Date: .*/Date: $(date -R)/" \
    "$MG_SRCDIR/tests/corpus/messages/47-lakeside-director-misspelled.eml" |
    sed 's/$/\r/' >"$MG_WORK/warn.eml"
send mgg-residency@lakeside.edu "$MG_WORK/warn.eml"
grep -q '^<-  250 2.0.0 delivered to' "$MG_WORK/swaks.out" &&
    pass "the letter with a warning is relayed" ||
    fail "warn letter: $(grep '^<' "$MG_WORK/swaks.out" | tail -2)"
if f=$(wait_notice "Sent, with notes: Update on my application"); then
	grep -q 'greeting-name (warn): .*did you mean Dr. Okafor?' "$f" &&
	    grep -q '^    found: Dear Dr. Okafur,' "$f" &&
	    grep -q '^The letters sent with notes: ' "$f" &&
	    pass "INBOX: \"Sent, with notes\" with its finding" ||
	    fail "the notes notice: $(cat "$f")"
else
	fail "no \"Sent, with notes\" notice in the INBOX: $(tail -5 "$MG_WORK/serve.log")"
fi
[ "$(q "SELECT verdict FROM sent WHERE message_id = '20261102145500.0a1b2c47@priya-laptop.example.com'")" = warn ] &&
    q "SELECT findings FROM sent WHERE verdict = 'warn'" | grep -q '"greeting-name"' &&
    pass "the ledger keeps the warned letter with its finding" ||
    fail "ledger: $(q "SELECT message_id, verdict, findings FROM sent")"
q "EXPLAIN QUERY PLAN SELECT date FROM sent WHERE verdict = 'warn' AND date >= 0 ORDER BY date DESC" |
    grep -q 'sent_by_verdict' && pass "the warned letters are found by an index" ||
    fail "no index for the warned letters"
for _ in $(seq 50); do
	[ -z "$(ls "$state/notes" 2>/dev/null)" ] && break
	sleep 0.1
done
[ -z "$(ls "$state/notes" 2>/dev/null)" ] &&
    pass "the notice's entry is gone from notes/ once sent" ||
    fail "notes/ keeps: $(ls "$state/notes")"

# 2. Held: refused at Send, and a notice.
letter() {
	printf '%s\r\n' "From: Priya Raman <$me>" "To: $2" "Subject: $4" \
	    "Date: $(date -R)" "Message-ID: <$3>" 'MIME-Version: 1.0' \
	    'Content-Type: text/plain; charset=utf-8' '' "Dear $5," '' \
	    'I remain very interested in your residency program and wanted' \
	    'to share that my case report on a family with Marfan syndrome' \
	    'was accepted for publication this week.' '' 'Sincerely,' \
	    'Priya Raman' >"$MG_WORK/$1"
}
letter held.eml genetics.residency@pinecrest.org held-1@example.com \
    "An update from Priya Raman" "Dr. [Last Name]"
letter fixed.eml genetics.residency@pinecrest.org held-1-fixed@example.com \
    "An update from Priya Raman" "Dr. Osei"
letter rel.eml medgen.residency@cordillera.edu rel-1@example.com \
    "An update" "Dr. [Last Name]"
send genetics.residency@pinecrest.org "$MG_WORK/held.eml"
held_id=$(sed -n 's/^<\*\* 550 5.7.1 NOT SENT (held as \([0-9a-z-]*\)).*/\1/p' "$MG_WORK/swaks.out")
[ -n "$held_id" ] && pass "held at Send as $held_id" ||
    fail "not refused: $(grep '^<' "$MG_WORK/swaks.out" | tail -2)"
if f=$(wait_notice "Held: An update from Priya Raman"); then
	grep -q 'It has NOT been sent' "$f" && grep -q '^Review it: ' "$f" &&
	    pass "INBOX: \"Held:\" notice, with where to review it" ||
	    fail "held notice: $(cat "$f")"
else
	fail "no Held: notice"
fi

# 3. Fixed and sent again; another released.
send genetics.residency@pinecrest.org "$MG_WORK/fixed.eml"
grep -q '^<-  250 ' "$MG_WORK/swaks.out" && pass "the fixed letter is relayed" ||
    fail "fixed: $(grep '^<' "$MG_WORK/swaks.out" | tail -2)"
# serve supersedes the older copy after its reply to the client.
for _ in $(seq 50); do
	[ "$(q "SELECT state FROM held WHERE spool_id = '$held_id'")" = superseded ] && break
	sleep 0.1
done
[ "$(q "SELECT state FROM held WHERE spool_id = '$held_id'")" = superseded ] &&
    pass "$held_id is superseded" || fail "held: $(q "SELECT spool_id, state FROM held")"
send medgen.residency@cordillera.edu "$MG_WORK/rel.eml"
rel_id=$(sed -n 's/^<\*\* 550 5.7.1 NOT SENT (held as \([0-9a-z-]*\)).*/\1/p' "$MG_WORK/swaks.out")
expect_status 0 "queue release $rel_id" mg queue release "$rel_id"
[ -s "$MG_WORK/err" ] && fail "queue release: $(cat "$MG_WORK/err")"
stop_serve

# The Sent folder of a client that filed all three (the held copy as
# well, as a client in on_hold = "queue" would).
day=$(date +%Y-%m-%d)
for l in held fixed rel; do
	deliver Sent "$day" "$MG_WORK/$l.eml" '(\Seen)'
done
expect_status 0 "poll --once reads the three copies" mg poll --once
grep -q "copy of the letter held for review $held_id (superseded): not recorded as sent" "$MG_WORK/err" &&
    pass "poll: the superseded letter's copy is not recorded" ||
    fail "poll: $(cat "$MG_WORK/out" "$MG_WORK/err")"
grep -q "0 sent messages recorded" "$MG_WORK/out" &&
    pass "poll: $(cat "$MG_WORK/out")" || fail "poll recorded: $(cat "$MG_WORK/out")"
q "SELECT message_id, verdict FROM sent ORDER BY id" >"$MG_WORK/sent.rows"
[ "$(tr '\n' ' ' <"$MG_WORK/sent.rows")" = "20261102145500.0a1b2c47@priya-laptop.example.com|warn held-1-fixed@example.com|pass rel-1@example.com|released " ] &&
    pass "the ledger: $(tr '\n' ' ' <"$MG_WORK/sent.rows")" ||
    fail "the ledger: $(cat "$MG_WORK/sent.rows")"
finish
