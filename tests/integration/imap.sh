#!/bin/sh
# imap.sh - the reply poller (`matchguard poll --once`) against a real
# Dovecot without TLS: replies matched by thread and by address,
# unrelated mail not stored, \Seen flags unchanged, the first pass looks
# only at the season, the sent folder, the effect on follow-up-too-soon,
# replies and timeline, a UIDVALIDITY change, and a first sync of an INBOX
# with 5,000 messages.

. "$MG_SRCDIR/tests/integration/lib.sh"
. "$MG_SRCDIR/tests/integration/imap_lib.sh"
need_dovecot

trap 'stop_dovecot; rm -rf "$MG_WORK"' EXIT
start_dovecot
pass "dovecot started on port $IMAP_PORT"

conf="$MG_WORK/matchguard.conf"
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
	cat >>"$conf" <<CONF
imap = {
  host = "127.0.0.1"; port = $IMAP_PORT; tls = "none";
  user = "priya"; password_command = "echo secret";
  folders = [ "INBOX" ]; sent_folder = "Sent";
};
CONF
}
write_conf
mg() { "$MG_BIN" -c "$conf" "$@"; }

# msg FILE FROM TO SUBJECT DATE MSGID [HEADER...] (body from stdin)
msg() {
	f=$1 from=$2 to=$3 subj=$4 date=$5 id=$6; shift 6
	{
		printf 'From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s>\n' \
		    "$from" "$to" "$subj" "$date" "$id"
		for h in "$@"; do printf '%s\n' "$h"; done
		printf '\n'
		cat
	} >"$MG_WORK/$f"
}

me=priya.raman@example.com
# What the applicant sent, recorded through import-sent.
msg sent1.eml "Priya Raman <$me>" genetics.residency@pinecrest.org \
    "Continued interest in Pinecrest" "Thu, 12 Nov 2026 09:00:00 -0500" \
    sent-1@example.com <<'EOF2'
Dear Dr. Osei,

I remain very interested in the Pinecrest Institute Genetics Residency
and wanted to thank you again for the conversation about the program.

Sincerely,
Priya Raman
EOF2
expect_status 0 "import-sent records the first letter" mg import-sent "$MG_WORK/sent1.eml"

# A follow-up to Pinecrest with no news, eight days later.
msg followup.eml "Priya Raman <$me>" genetics.residency@pinecrest.org \
    "Following up" "Fri, 20 Nov 2026 09:00:00 -0500" followup-1@example.com <<'EOF2'
Dear Dr. Osei,

I am writing to follow up on my previous message and to ask whether
there is any update on my application.

Sincerely,
Priya Raman
EOF2
mg check --now 2026-11-20T09:00:00-05:00 "$MG_WORK/followup.eml" >"$MG_WORK/check1" 2>&1
grep -q follow-up-too-soon "$MG_WORK/check1" &&
    pass "before any reply, a follow-up is too soon" ||
    fail "follow-up-too-soon expected before the reply: $(cat "$MG_WORK/check1")"

# The mailbox: a reply in the thread from a private address, a message
# from a program's address, unrelated mail, an old program message from
# before the season, and the sent folder.
msg r-thread.eml "Margaret Osei <margaret.osei@gmail.com>" "$me" \
    "Re: Continued interest in Pinecrest" "Fri, 13 Nov 2026 16:00:00 -0500" \
    r-thread@gmail.com "In-Reply-To: <sent-1@example.com>" \
    "References: <sent-1@example.com>" <<'EOF2'
Thank you, Priya. We enjoyed meeting you.
EOF2
msg r-addr.eml "Lakeside Genetics <mgg-residency@lakeside.edu>" "$me" \
    "Interview invitation" "Mon, 16 Nov 2026 10:00:00 -0500" \
    r-addr@lakeside.edu <<'EOF2'
We would like to invite you to interview.
EOF2
msg unrelated.eml "A Friend <friend@example.org>" "$me" "Dinner on Friday?" \
    "Tue, 17 Nov 2026 18:00:00 -0500" dinner@example.org <<'EOF2'
Are you free?
EOF2
msg old.eml "Harborview <genetics-residency@harborview.edu>" "$me" \
    "Last year's open house" "Mon, 01 Dec 2025 10:00:00 -0500" \
    old@harborview.edu <<'EOF2'
Old news.
EOF2
msg phone.eml "Priya Raman <$me>" medgen.residency@cordillera.edu \
    "Thank you for the interview" "Thu, 19 Nov 2026 20:00:00 -0500" \
    phone-1@example.com <<'EOF2'
Dear Dr. Alvarez,

Thank you for the interview today and for the time you spent with me.

Sincerely,
Priya Raman
EOF2
deliver INBOX 2026-11-13 "$MG_WORK/r-thread.eml"
deliver INBOX 2026-11-16 "$MG_WORK/r-addr.eml" '(\Seen)'
deliver INBOX 2026-11-17 "$MG_WORK/unrelated.eml"
deliver INBOX 2025-12-01 "$MG_WORK/old.eml"
deliver Sent 2026-11-19 "$MG_WORK/phone.eml" '(\Seen)'
deliver Sent 2026-11-12 "$MG_WORK/sent1.eml" '(\Seen)'
imapctl flags "$IMAP_PORT" INBOX >"$MG_WORK/flags.before"

expect_status 0 "poll --once" mg poll --once
cp "$MG_WORK/out" "$MG_WORK/poll1"
grep -q "2 new replies from programs, 1 sent message recorded" "$MG_WORK/poll1" &&
    pass "poll: $(cat "$MG_WORK/poll1")" ||
    fail "poll: unexpected summary: $(cat "$MG_WORK/poll1") $(cat "$MG_WORK/err")"

expect_status 0 "replies" mg replies
cp "$MG_WORK/out" "$MG_WORK/replies1"
grep -Eq '^2026-11-13 +pinecrest +thread +margaret.osei@gmail.com +Re: Continued' "$MG_WORK/replies1" &&
    pass "reply matched by thread (In-Reply-To), from a private address" ||
    fail "no thread reply: $(cat "$MG_WORK/replies1")"
grep -Eq '^2026-11-16 +lakeside +address +mgg-residency@lakeside.edu +Interview' "$MG_WORK/replies1" &&
    pass "reply matched by the program's address" ||
    fail "no address reply: $(cat "$MG_WORK/replies1")"
if grep -q "Dinner\|friend@\|open house" "$MG_WORK/replies1"; then
	fail "unrelated or pre-season mail was stored: $(cat "$MG_WORK/replies1")"
else
	pass "unrelated mail and mail from before the season are not stored"
fi
if command -v sqlite3 >/dev/null 2>&1; then
	n=$(sqlite3 "$XDG_STATE_HOME/matchguard/ledger.sqlite" \
	    "SELECT count(*) FROM reply WHERE message_id LIKE 'dinner%'")
	[ "$n" = 0 ] && pass "the ledger has no row of the unrelated message" ||
	    fail "the unrelated message is in the ledger"
fi
expect_status 0 "replies --program lakeside" mg replies --program lakeside
[ "$(grep -c '^2026' "$MG_WORK/out")" -eq 1 ] && pass "replies --program filters" ||
    fail "replies --program lakeside: $(cat "$MG_WORK/out")"
expect_status 2 "replies --program unknown" mg replies --program nosuch

imapctl flags "$IMAP_PORT" INBOX >"$MG_WORK/flags.after"
if cmp -s "$MG_WORK/flags.before" "$MG_WORK/flags.after"; then
	pass "flags unchanged by polling: $(tr '\n' ';' <"$MG_WORK/flags.after")"
else
	fail "flags changed: before $(cat "$MG_WORK/flags.before") after $(cat "$MG_WORK/flags.after")"
fi

# The reply lifts follow-up-too-soon.
mg check --now 2026-11-20T09:00:00-05:00 "$MG_WORK/followup.eml" >"$MG_WORK/check2" 2>&1
if grep -q follow-up-too-soon "$MG_WORK/check2"; then
	fail "follow-up-too-soon still there after the reply: $(cat "$MG_WORK/check2")"
else
	pass "after the reply was polled, follow-up-too-soon is lifted"
fi

expect_status 0 "timeline" mg timeline --now 2026-11-25T12:00:00Z
cp "$MG_WORK/out" "$MG_WORK/timeline"
grep -Eq '^pinecrest +1 +[01] +0 +2026-11-12 +2026-11-13 +answered +now' "$MG_WORK/timeline" &&
    pass "timeline: pinecrest answered" || fail "timeline pinecrest: $(cat "$MG_WORK/timeline")"
grep -Eq '^cordillera +1 +0 +0 +2026-11-20 +- +5 days +2026-12-1[01]' "$MG_WORK/timeline" &&
    pass "timeline: the message sent from the phone counts, 5 days silent" ||
    fail "timeline cordillera: $(cat "$MG_WORK/timeline")"
grep -Eq '^riverbend +0 +0 +0 +- +- +- +any time' "$MG_WORK/timeline" &&
    pass "timeline: a program never written to" || fail "timeline riverbend: $(cat "$MG_WORK/timeline")"

# Nothing new: nothing recorded twice.
expect_status 0 "second poll" mg poll --once
grep -q "0 messages read" "$MG_WORK/out" && pass "second poll reads nothing: $(cat "$MG_WORK/out")" ||
    fail "second poll: $(cat "$MG_WORK/out")"

# A reply that names the letter only in References.
msg r-refs.eml "Lucas Brennan <lbrennan@pinecrestmail.net>" "$me" \
    "Re: Re: Continued interest" "Sat, 21 Nov 2026 10:00:00 -0500" \
    r-refs@pinecrestmail.net "In-Reply-To: <r-thread@gmail.com>" \
    "References: <sent-1@example.com> <r-thread@gmail.com>" <<'EOF2'
Following up on Dr. Osei's note.
EOF2
deliver INBOX 2026-11-21 "$MG_WORK/r-refs.eml"
expect_status 0 "poll after a new reply" mg poll --once
grep -q "1 new reply from programs" "$MG_WORK/out" &&
    pass "a reply matched through References only" || fail "References: $(cat "$MG_WORK/out")"

# UIDVALIDITY changes: the folder is read again, nothing twice.
mg replies >"$MG_WORK/replies.before"
doveadm -c "$DV/dovecot.conf" mailbox update -u priya --uid-validity 4242 INBOX 2>"$MG_WORK/doveadm.err" ||
    fail "doveadm mailbox update: $(cat "$MG_WORK/doveadm.err")"
imapctl flags "$IMAP_PORT" INBOX >"$MG_WORK/flags.before"
expect_status 0 "poll after a UIDVALIDITY change" mg poll --once
grep -q "UIDVALIDITY of \"INBOX\" changed (4242" "$MG_WORK/err" &&
    pass "the UIDVALIDITY change is noticed and logged" ||
    fail "no UIDVALIDITY log line: $(cat "$MG_WORK/err")"
grep -q "0 new replies" "$MG_WORK/out" && pass "resync after UIDVALIDITY: no duplicates ($(cat "$MG_WORK/out"))" ||
    fail "resync: $(cat "$MG_WORK/out")"
mg replies >"$MG_WORK/replies.after"
cmp -s "$MG_WORK/replies.before" "$MG_WORK/replies.after" &&
    pass "replies unchanged by the resync" || fail "replies changed by the resync"
imapctl flags "$IMAP_PORT" INBOX >"$MG_WORK/flags.after"
cmp -s "$MG_WORK/flags.before" "$MG_WORK/flags.after" &&
    pass "flags unchanged by the resync" || fail "flags changed by the resync"

# A first sync of an INBOX with 5,000 more messages, into a new ledger.
imapctl bulk "$DV_MAILDIR" 5000 2026-11-18 || fail "bulk messages not written"
chown_mail
imapctl flags "$IMAP_PORT" INBOX >"$MG_WORK/flags.before"
nmsg=$(wc -l <"$MG_WORK/flags.before")
[ "$nmsg" -ge 5000 ] && pass "INBOX holds $nmsg messages" || fail "INBOX holds $nmsg messages"
export XDG_STATE_HOME="$MG_WORK/state2"
expect_status 0 "import-sent into the new ledger" mg import-sent "$MG_WORK/sent1.eml"
t0=$(date +%s)
expect_status 0 "first sync of 5,000 messages" mg poll --once
t1=$(date +%s)
grep -q "3 new replies from programs" "$MG_WORK/out" &&
    pass "first sync: $(cat "$MG_WORK/out") in $((t1 - t0)) s" ||
    fail "first sync: $(cat "$MG_WORK/out") $(cat "$MG_WORK/err")"
[ $((t1 - t0)) -le 60 ] || fail "first sync took $((t1 - t0)) s"
imapctl flags "$IMAP_PORT" INBOX >"$MG_WORK/flags.after"
cmp -s "$MG_WORK/flags.before" "$MG_WORK/flags.after" &&
    pass "flags of 5,000 messages unchanged" || fail "flags changed by the first sync"
expect_status 0 "poll again after the first sync" mg poll --once
grep -q "^0 messages read" "$MG_WORK/out" && pass "the next pass starts after the last UID" ||
    fail "next pass: $(cat "$MG_WORK/out")"

# Errors are one line: a wrong password, nobody listening.
sed -i 's/password_command = "echo secret"/password = "wrong"/' "$conf"
expect_status 2 "wrong password" mg poll --once
one_line_error 'refused the LOGIN of priya' "a wrong password"
finish
