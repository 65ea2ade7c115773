#!/bin/sh
# letter-path.sh - one letter, every way in, the same history.  The same
# letter (CRLF, a Message-ID, to one program) is recorded, each time into
# a new ledger, through: serve (SMTP from msmtp), sendmail -t,
# import-sent, the poller's Sent folder (a real Dovecot, poll --once),
# queue release, and queue release --recheck.  The ledger rows (sqlite3)
# must be byte for byte the same apart from what says how the letter
# left: sent.verdict and sent.findings (pass and "[]" when relayed,
# imported and NULL for the mail client's copy, released or pass with
# "[]" for a release) and the date (the time of receipt or release, or
# for a copy its Date field) in sent, sent_program and sent_band; and a
# released letter's content hash (it leaves with a new Date).

. "$MG_SRCDIR/tests/integration/lib.sh"
. "$MG_SRCDIR/tests/integration/imap_lib.sh"
need_dovecot
need msmtp
need sqlite3

trap 'stop_serve; stop_dovecot; rm -rf "$MG_WORK"' EXIT
start_dovecot
pass "dovecot started on port $IMAP_PORT"

me=priya.raman@example.com
to=genetics.residency@pinecrest.org
SERVE_PORT=$(free_port)
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
# conf FILE [hold] [imap]: example.conf from the sources; "hold" makes
# this letter held (length rule: max_words 20, severity hold); "imap"
# reads the Dovecot's Sent folder.
conf() {
	f=$1; shift
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$f"
	for opt in "$@"; do
		case $opt in
		hold)
			sed -i -e 's/max_words = 500;/max_words = 20;/' \
			    -e 's/"vague-praise" = "off";/"vague-praise" = "off"; "length" = "hold";/' "$f"
			;;
		imap)
			cat >>"$f" <<CONF
imap = {
  host = "127.0.0.1"; port = $IMAP_PORT; tls = "none";
  user = "priya"; password_command = "echo secret";
  folders = [ "INBOX" ]; sent_folder = "Sent";
};
CONF
			;;
		esac
	done
}
conf "$MG_WORK/plain.conf"
conf "$MG_WORK/hold.conf" hold
conf "$MG_WORK/imap.conf" imap
grep -q '"length" = "hold"' "$MG_WORK/hold.conf" ||
    fail "hold.conf: the length rule is not made a hold"

datehdr=$(date -R)
datesecs=$(date -d "$datehdr" +%s)
day=$(date +%Y-%m-%d)
printf '%s\r\n' "From: Priya Raman <$me>" "To: $to" \
    'Subject: Continued interest in Pinecrest' "Date: $datehdr" \
    'Message-ID: <letter-path-1@example.com>' 'MIME-Version: 1.0' \
    'Content-Type: text/plain; charset=utf-8' '' \
    'Dear Dr. Osei,' '' \
    'I remain very interested in the Pinecrest Institute Genetics Residency' \
    'and wanted to thank you again for our conversation about the program.' \
    'Since we spoke, my case report on a family with Marfan syndrome was' \
    'accepted for publication, and I would be glad to send it to you.' '' \
    'Sincerely,' 'Priya Raman' >"$MG_WORK/letter.eml"
letter=$MG_WORK/letter.eml

# state NAME: a new, empty state folder for one way in.
state() {
	export XDG_STATE_HOME="$MG_WORK/state-$1"
	mkdir -p "$XDG_STATE_HOME"
}
db() { echo "$MG_WORK/state-$1/matchguard/ledger.sqlite"; }
# same NAME: the rows that must not depend on the way in.  A released
# letter leaves with the Date of its release (its one change), so its
# content hash is that of other bytes: hash NAME compares it.
same() {
	case $1 in
	release|recheck) h="'released'" ;;
	*) h=content_hash ;;
	esac
	sqlite3 -separator '|' "$(db "$1")" "
SELECT 'sent', message_id, $h, subject, class FROM sent ORDER BY id;
SELECT 'program', s.message_id, p.program, p.class FROM sent_program p
  JOIN sent s ON s.id = p.sent_id ORDER BY 2, 3;
SELECT 'sig', s.message_id, g.scheme, hex(g.sig) FROM sent_sig g
  JOIN sent s ON s.id = g.sent_id ORDER BY 2;
SELECT 'band', s.message_id, b.band, b.bucket, b.program FROM sent_band b
  JOIN sent s ON s.id = b.sent_id ORDER BY 2, 3, 5;"
}
# how NAME: what may differ, "verdict|findings|date|dates agree".
how() {
	sqlite3 -separator '|' "$(db "$1")" "
SELECT verdict, coalesce(findings, 'NULL'), date,
  (SELECT count(*) FROM sent_program p WHERE p.sent_id = s.id
     AND p.date <> s.date) +
  (SELECT count(*) FROM sent_band b WHERE b.sent_id = s.id
     AND b.date <> s.date) = 0
FROM sent s"
}
# expect_how NAME VERDICT FINDINGS FROM TO: one row, that verdict and
# findings, dated in [FROM, TO], the same date in every table.
expect_how() {
	h=$(how "$1")
	n=$(echo "$h" | grep -c .)
	v=$(echo "$h" | cut -d'|' -f1)
	f=$(echo "$h" | cut -d'|' -f2)
	d=$(echo "$h" | cut -d'|' -f3)
	agree=$(echo "$h" | cut -d'|' -f4)
	if [ "$n" = 1 ] && [ "$v" = "$2" ] && [ "$f" = "$3" ] &&
	    [ "$d" -ge "$4" ] && [ "$d" -le "$5" ] && [ "$agree" = 1 ]; then
		pass "$1: one letter, verdict $v, findings $f, date $d"
	else
		fail "$1: wanted one row $2|$3|[$4,$5]|1, got: $h"
	fi
}

# 1. serve: SMTP from msmtp (which sends the bytes as they are),
# relayed to the local Maildir.
state serve
printf '%s\n' defaults "host 127.0.0.1" "port $SERVE_PORT" "auth off" \
    "tls off" "from $me" "account default" >"$MG_WORK/msmtprc"
chmod 600 "$MG_WORK/msmtprc"
t0=$(date +%s)
start_serve "$MG_WORK/plain.conf"
expect_status 0 "serve relays it (msmtp)" msmtp -C "$MG_WORK/msmtprc" "$to" \
    <"$letter"
stop_serve
t1=$(date +%s)
got=$(ls "$MG_WORK/state-serve/matchguard/sent/new" 2>/dev/null | head -1)
[ -n "$got" ] && cmp -s "$letter" "$MG_WORK/state-serve/matchguard/sent/new/$got" &&
    pass "serve: relayed byte for byte" ||
    fail "serve: not in the Maildir as sent: $(cat "$MG_WORK/serve.log")"
expect_how serve pass '[]' "$t0" "$t1"

# 2. sendmail -t.
state sendmail
t0=$(date +%s)
expect_status 0 "sendmail -t relays it" "$MG_BIN" -c "$MG_WORK/plain.conf" \
    sendmail -t <"$letter"
t1=$(date +%s)
expect_how sendmail pass '[]' "$t0" "$t1"

# 3. import-sent of the file.
state import
expect_status 0 "import-sent records it" "$MG_BIN" -c "$MG_WORK/plain.conf" \
    import-sent "$letter"
expect_how import imported NULL "$datesecs" "$datesecs"

# 4. The poller: the letter in the Sent folder, poll --once.
state poller
deliver Sent "$day" "$letter" '(\Seen)'
expect_status 0 "poll --once reads the Sent folder" "$MG_BIN" \
    -c "$MG_WORK/imap.conf" poll --once
grep -q "1 sent message recorded" "$MG_WORK/out" &&
    pass "poll: $(cat "$MG_WORK/out")" ||
    fail "poll: $(cat "$MG_WORK/out") $(cat "$MG_WORK/err")"
expect_how poller imported NULL "$datesecs" "$datesecs"

# 5. Held (with hold.conf), then queue release: the user's decision.
# held_id: the one letter in the queue.
held_id() {
	"$MG_BIN" -c "$MG_WORK/plain.conf" queue 2>&1 |
	    sed -n 's/^\([^ ]*\)  .*Continued interest.*/\1/p' | head -1
}
state release
expect_status 0 "sendmail holds it (hold.conf)" "$MG_BIN" \
    -c "$MG_WORK/hold.conf" sendmail -t <"$letter"
id=$(held_id)
[ -n "$id" ] && pass "held as $id" || fail "not held: $(cat "$MG_WORK/err")"
[ -z "$(how release)" ] && pass "release: nothing recorded while it is held" ||
    fail "release: recorded while held: $(how release)"
t0=$(date +%s)
expect_status 0 "queue release" "$MG_BIN" -c "$MG_WORK/hold.conf" \
    queue release "$id"
t1=$(date +%s)
expect_how release released '[]' "$t0" "$t1"

# 6. Held, then queue release --recheck after the setting is undone.
state recheck
expect_status 0 "sendmail holds it again (hold.conf)" "$MG_BIN" \
    -c "$MG_WORK/hold.conf" sendmail -t <"$letter"
id=$(held_id)
t0=$(date +%s)
expect_status 0 "queue release --recheck (plain.conf: it passes)" \
    "$MG_BIN" -c "$MG_WORK/plain.conf" queue release "$id" --recheck
t1=$(date +%s)
expect_how recheck pass '[]' "$t0" "$t1"

# The rows themselves.
same serve >"$MG_WORK/same.serve"
nrows=$(wc -l <"$MG_WORK/same.serve")
nbands=$(grep -c '^band|' "$MG_WORK/same.serve")
nsig=$(grep -c '^sig|' "$MG_WORK/same.serve")
[ "$nsig" = 1 ] && [ "$nbands" -ge 16 ] &&
    pass "serve: $nrows rows ($nsig signature, $nbands band rows)" ||
    fail "serve: $nsig signatures, $nbands band rows: $(head -3 "$MG_WORK/same.serve")"
sed "s/^\(sent|[^|]*|\)[0-9a-f]\{64\}|/\1released|/" "$MG_WORK/same.serve" \
    >"$MG_WORK/same.released"
for way in release recheck; do
	hs=$(sqlite3 "$(db serve)" "SELECT content_hash FROM sent")
	hw=$(sqlite3 "$(db "$way")" "SELECT content_hash FROM sent")
	[ -n "$hw" ] && [ "$hw" != "$hs" ] &&
	    pass "$way: the hash of the letter as it left, with its new Date" ||
	    fail "$way: content hash $hw (serve's: $hs)"
done
for way in sendmail import poller release recheck; do
	same "$way" >"$MG_WORK/same.$way"
	case $way in release|recheck) cp "$MG_WORK/same.released" "$MG_WORK/same.serve.cmp" ;;
	*) cp "$MG_WORK/same.serve" "$MG_WORK/same.serve.cmp" ;;
	esac
	if cmp -s "$MG_WORK/same.serve.cmp" "$MG_WORK/same.$way"; then
		pass "$way: the same $nrows rows as serve"
	else
		fail "$way: rows differ from serve's: $(diff "$MG_WORK/same.serve.cmp" "$MG_WORK/same.$way" | head -6)"
	fi
done
finish
