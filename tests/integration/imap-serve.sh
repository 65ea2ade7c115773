#!/bin/sh
# imap-serve.sh - the IMAP side over TLS against a real Dovecot with a
# test CA: poll --once with STARTTLS and AUTHENTICATE PLAIN, an untrusted
# certificate refused before the password is sent; then `matchguard serve`
# with an imap group (implicit TLS, LOGIN): the poller thread notices a
# new reply with IDLE within 2 seconds, reconnects after the server is
# restarted, and a message serve holds gets a notice in the INBOX.

. "$MG_SRCDIR/tests/integration/lib.sh"
. "$MG_SRCDIR/tests/integration/imap_lib.sh"
need_dovecot
need swaks

trap 'stop_serve; stop_dovecot; rm -rf "$MG_WORK"' EXIT
start_dovecot tls
pass "dovecot started: port $IMAP_PORT (STARTTLS), $IMAPS_PORT (TLS)"

SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
# write_conf IMAP-SETTINGS
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	printf 'imap = { user = "priya"; password = "secret"; %s };\n' "$1" >>"$conf"
}
mg() { "$MG_BIN" -c "$conf" "$@"; }
me=priya.raman@example.com
# reply FILE FROM SUBJECT ID
reply() {
	printf 'From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\nMessage-ID: <%s>\r\n\r\nHello.\r\n' \
	    "$2" "$me" "$3" "$4" >"$MG_WORK/$1"
}

# STARTTLS, AUTHENTICATE PLAIN, the test CA.
write_conf "host = \"localhost\"; port = $IMAP_PORT; tls = \"starttls\"; auth = \"plain\"; tls_trust_file = \"$MG_WORK/ca/ca.pem\";"
reply r1.eml "Lakeside <mgg-residency@lakeside.edu>" "Interview dates" r1@lakeside.edu
deliver INBOX 2026-11-25 "$MG_WORK/r1.eml"
expect_status 0 "poll --once over STARTTLS with AUTHENTICATE PLAIN" mg poll --once
grep -q "1 new reply" "$MG_WORK/out" && pass "STARTTLS: $(cat "$MG_WORK/out")" ||
    fail "STARTTLS poll: $(cat "$MG_WORK/out") $(cat "$MG_WORK/err")"

# Implicit TLS without the test CA: refused, one line, nothing sent.
write_conf "host = \"localhost\"; port = $IMAPS_PORT; tls = \"implicit\";"
expect_status 2 "an untrusted certificate" mg poll --once
one_line_error 'certificate of localhost is not trusted' "untrusted certificate"
# (The host name check is tls_verify.c's, shared with the relay and
# tested in relay.sh.)

# serve with the poller thread: implicit TLS, LOGIN, IDLE.
write_conf "host = \"localhost\"; port = $IMAPS_PORT; tls = \"implicit\"; tls_trust_file = \"$MG_WORK/ca/ca.pem\"; max_backoff = 2;"
start_serve "$conf"
pass "serve started on port $SERVE_PORT"
# wait_log PATTERN TENTHS: 0 when serve.log matches within TENTHS/10 s.
wait_log() {
	i=0
	while [ $i -lt "$2" ]; do
		grep -q "$1" "$MG_WORK/serve.log" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
wait_log "imap: connected to localhost as priya; waiting for new mail with IDLE" 100 &&
    pass "the poller thread connected and waits with IDLE" ||
    fail "poller did not connect: $(cat "$MG_WORK/serve.log")"
sleep 0.5
reply r2.eml "Cordillera <medgen.residency@cordillera.edu>" "Second look day" r2@cordillera.edu
deliver INBOX 2026-11-25 "$MG_WORK/r2.eml"
wait_log "imap: reply from medgen.residency@cordillera.edu (cordillera, matched by address)" 20 &&
    pass "IDLE: the new reply is logged within 2 seconds" ||
    fail "IDLE: no reply logged within 2 s: $(cat "$MG_WORK/serve.log")"

# The server goes away and comes back.
restart_dovecot
wait_log "imap: connected to localhost again" 600 &&
    pass "reconnected after the server restarted: $(grep 'trying again' "$MG_WORK/serve.log" | head -1)" ||
    fail "no reconnection: $(cat "$MG_WORK/serve.log")"
grep -q "imap: .*trying again in 1 s" "$MG_WORK/serve.log" &&
    pass "the lost connection is logged with the back-off" ||
    fail "no back-off line: $(cat "$MG_WORK/serve.log")"
sleep 0.5
reply r3.eml "Pinecrest <genetics.residency@pinecrest.org>" "Thank you" r3@pinecrest.org
deliver INBOX 2026-11-25 "$MG_WORK/r3.eml"
wait_log "imap: reply from genetics.residency@pinecrest.org" 30 &&
    pass "after the restart, a new reply is seen" ||
    fail "no reply after the restart: $(cat "$MG_WORK/serve.log")"

# A careless message: held, and a notice appears in the INBOX.
printf '%s\r\n' "From: Priya Raman <$me>" \
    'To: genetics-residency@harborview.edu' \
    'Subject: Thank you for the interview' \
    'Date: Wed, 25 Nov 2026 09:00:00 -0500' \
    'Message-ID: <held-1@example.com>' '' \
    'Dear Dr. [Last Name],' '' \
    'Thank you for the interview at [Program Name].' '' \
    'Sincerely,' 'Priya Raman' >"$MG_WORK/careless.eml"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from "$me" \
    --to genetics-residency@harborview.edu --data "@$MG_WORK/careless.eml" \
    >"$MG_WORK/swaks.out" 2>&1
grep -q "250 2.0.0 held for review" "$MG_WORK/swaks.out" &&
    pass "serve held the careless message" ||
    fail "not held: $(tail -5 "$MG_WORK/swaks.out")"
id=$(sed -n 's/.*held for review \([^:]*\):.*/\1/p' "$MG_WORK/swaks.out" | head -1)
# The notice is sent after the 250, from a thread of its own: wait for it.
notice=
for _ in $(seq 100); do
	notice=$(grep -l "^Subject: Held: Thank you for the interview" "$DV_MAILDIR"/new/* "$DV_MAILDIR"/cur/* 2>/dev/null | head -1)
	[ -n "$notice" ] && break
	sleep 0.1
done
if [ -n "$notice" ]; then
	pass "the notice is in the INBOX Maildir: $(basename "$notice")"
	grep -q "matchguard queue release $id" "$notice" &&
	    grep -q "matchguard queue drop $id" "$notice" &&
	    grep -q "placeholder" "$notice" &&
	    pass "the notice names the findings and the commands" ||
	    fail "notice content: $(cat "$notice")"
else
	fail "no notice in the INBOX: $(grep imap "$MG_WORK/serve.log")"
fi
wait_log "imap: notice of held message $id put in \"INBOX\"" 10 &&
    pass "the notice is logged" || fail "notice not logged"
sleep 1
grep -q "imap: reply from priya" "$MG_WORK/serve.log" &&
    fail "the notice was taken for a reply" ||
    pass "the notice (from the applicant) is not taken for a reply"
expect_status 0 "queue lists the held message" mg queue
grep -q "$id" "$MG_WORK/out" && pass "the held message is in the queue" ||
    fail "held message lost: $(cat "$MG_WORK/out")"

# The IMAP server down: the message is held all the same.
stop_dovecot
sed -e 's/held-1@/held-2@/' -e 's/Thank you for the interview/Thanks again/' \
    "$MG_WORK/careless.eml" >"$MG_WORK/careless2.eml"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from "$me" \
    --to genetics-residency@harborview.edu --data "@$MG_WORK/careless2.eml" \
    >"$MG_WORK/swaks.out" 2>&1
grep -q "250 2.0.0 held for review" "$MG_WORK/swaks.out" &&
    pass "with the IMAP server down, the message is still held" ||
    fail "IMAP down: $(tail -5 "$MG_WORK/swaks.out")"
wait_log "imap: no notice of held message" 10 &&
    pass "the failed notice is logged" || fail "no log of the failed notice"

# SIGTERM stops the poller thread with the rest.
t0=$(date +%s)
stop_serve
t1=$(date +%s)
[ $((t1 - t0)) -le 5 ] && pass "serve stopped in $((t1 - t0)) s" ||
    fail "serve took $((t1 - t0)) s to stop"
if grep -q "secret" "$MG_WORK/serve.log"; then
	fail "the password is in the log"
else
	pass "the password never reaches the log"
fi
finish
