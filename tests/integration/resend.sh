#!/bin/sh
# resend.sh - a letter the mail client sends again because it never got
# its 250 is not sent twice.
#
# The upstream takes 3 s to answer the final dot; the client gives up
# after 1 s, so it never sees the 250 although the letter went.  serve is
# then killed (-9) and started again, and the client sends the same bytes
# again: 250 "already sent", nothing relayed, and the upstream still has
# one copy.  A copy with one byte changed, the same letter to another
# recipient, and a letter without a Message-ID are new letters and go.
# A held letter sent again is answered with its ID and not held twice,
# until it is dropped.  With smtp.resend_window = 0 a resend goes again.

. "$MG_SRCDIR/tests/integration/lib.sh"
need_aiosmtpd

trap 'stop_serve; stop_upstream; rm -rf "$MG_WORK"' EXIT
start_upstream --delay 3
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
# write_conf EXTRA-SMTP-SETTINGS
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e "s#max_sessions = 16;#max_sessions = 16; $1#" \
	    -e '/^upstream = {/,/^};/d' \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	cat >>"$conf" <<CONF
upstream = { type = "smtp"; host = "127.0.0.1"; port = $PORT; tls = "none";
             timeout = 10; };
CONF
}
write_conf ""
mg() { "$MG_BIN" -c "$conf" "$@"; }

# send FILE RCPT TIMEOUT: one transaction; prints the reply, or "cut".
send() {
	"$PY" - "$SERVE_PORT" "$@" <<'PY'
import smtplib, socket, sys
port, path, rcpt, timeout = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
data = open(path, "rb").read()
try:
    s = smtplib.SMTP("127.0.0.1", port, timeout=timeout)
    s.ehlo("client.test")
    s.mail("priya.raman@example.com")
    s.rcpt(rcpt)
    code, text = s.data(data)
    print(code, text.decode())
    s.quit()
except (OSError, smtplib.SMTPException) as e:
    print("cut", type(e).__name__)
PY
}
# copies PATTERN: how many messages upstream contain PATTERN.
copies() {
	grep -l -F -- "$1" "$UP_OUT"/*.eml 2>/dev/null | wc -l | tr -d ' '
}
# wait_copies PATTERN N: until upstream has N copies (10 s at most).
wait_copies() {
	for _ in $(seq 100); do
		[ "$(copies "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
letter() {	# FILE MESSAGE-ID-OR-EMPTY BODY
	{
		printf 'From: Priya Raman <priya.raman@example.com>\r\n'
		printf 'To: Aunt May <may@example.org>\r\n'
		printf 'Subject: Sunday\r\n'
		printf 'Date: Wed, 25 Nov 2026 09:00:00 -0500\r\n'
		[ -n "$2" ] && printf 'Message-ID: <%s>\r\n' "$2"
		printf '\r\n%s\r\n' "$3"
	} >"$MG_WORK/$1"
}

start_serve "$conf"
letter a.eml resend-a@example.com "See you on Sunday."
out=$(send "$MG_WORK/a.eml" may@example.org 1)
case $out in
cut*) pass "the client gave up before the 250: $out" ;;
*) fail "the client was not cut off: $out" ;;
esac
wait_copies "See you on Sunday." 1 && pass "the letter reached upstream all the same" ||
    fail "the letter never reached upstream"
# serve writes the note right after its reply to the lost client.
for _ in $(seq 50); do
	grep -q "resend-a@example.com programs=- .* relayed 250" "$MG_WORK/serve.log" && break
	sleep 0.1
done
kill -9 "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
SERVE_PID=
start_serve "$conf"
t0=$(date +%s)
out=$(send "$MG_WORK/a.eml" may@example.org 30)
t1=$(date +%s)
case $out in
"250 2.0.0 already sent: this same message was relayed at "*)
	pass "after kill -9 and a new start, the resend is answered at once ($((t1 - t0)) s): $out" ;;
*) fail "the resend: $out" ;;
esac
sleep 1
n=$(copies "See you on Sunday.")
[ "$n" -eq 1 ] && pass "upstream has the letter once" ||
    fail "upstream has the letter $n times"
grep -q "resend-a@example.com sent again by the mail client: relayed 250 already sent" "$MG_WORK/serve.log" &&
    pass "serve logs the resend" || fail "no log line for the resend: $(tail -3 "$MG_WORK/serve.log")"

# Not resends: one byte changed, another recipient, no Message-ID.
letter b.eml resend-a@example.com "See you on Sunday!"
out=$(send "$MG_WORK/b.eml" may@example.org 30)
case $out in
"250 2.0.0 relayed:"*) pass "one byte changed: a new letter, relayed" ;;
*) fail "one byte changed: $out" ;;
esac
out=$(send "$MG_WORK/a.eml" ben@example.org 30)
case $out in
"250 2.0.0 relayed:"*) pass "another recipient: a new letter, relayed" ;;
*) fail "another recipient: $out" ;;
esac
letter c.eml "" "No Message-ID here."
out=$(send "$MG_WORK/c.eml" may@example.org 1)
wait_copies "No Message-ID here." 1 || fail "the letter without a Message-ID never went"
sleep 2.5
out=$(send "$MG_WORK/c.eml" may@example.org 30)
case $out in
"250 2.0.0 relayed:"*) pass "without a Message-ID a resend is relayed again (nothing to tell it by)" ;;
*) fail "no Message-ID, the second time: $out" ;;
esac

# A held letter sent again keeps its one entry in the queue.
{
	printf 'From: Priya Raman <priya.raman@example.com>\r\n'
	printf 'To: genetics-residency@harborview.edu\r\n'
	printf 'Subject: Interest\r\nMessage-ID: <resend-h@example.com>\r\n\r\n'
	printf 'Dear Dr. [Last Name],\r\n\r\nI remain interested.\r\n'
} >"$MG_WORK/h.eml"
out=$(send "$MG_WORK/h.eml" genetics-residency@harborview.edu 30)
id=$(echo "$out" | sed -n 's/^250 2.0.0 held for review \([^:]*\):.*/\1/p')
[ -n "$id" ] && pass "held as $id" || fail "not held: $out"
out=$(send "$MG_WORK/h.eml" genetics-residency@harborview.edu 30)
case $out in
"250 2.0.0 held for review $id: this same message was held at "*)
	pass "sent again, it is answered with the same ID: $out" ;;
*) fail "the held letter sent again: $out" ;;
esac
n=$(mg queue | grep -c '^[0-9]')
[ "$n" -eq 1 ] && pass "the queue has it once" || fail "the queue has $n entries: $(mg queue)"
mg queue drop "$id" >/dev/null 2>&1 || fail "queue drop $id"
out=$(send "$MG_WORK/h.eml" genetics-residency@harborview.edu 30)
case $out in
"250 2.0.0 held for review "*": this same"*) fail "after the drop: still the old entry: $out" ;;
"250 2.0.0 held for review "*) pass "dropped, then sent again: held anew" ;;
*) fail "after the drop: $out" ;;
esac

# resend_window = 0: no recognition.
stop_serve
write_conf "resend_window = 0;"
start_serve "$conf"
out=$(send "$MG_WORK/a.eml" may@example.org 30)
case $out in
"250 2.0.0 relayed:"*) pass "resend_window = 0: the same letter is relayed again" ;;
*) fail "resend_window = 0: $out" ;;
esac
finish
