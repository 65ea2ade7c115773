#!/bin/sh
# serve-relay.sh - matchguard serve relaying to a real SMTP server
# (python3-aiosmtpd, tests/integration/upstream.py) over STARTTLS with a
# test CA and AUTH, with swaks and msmtp as the mail client: a passed
# message arrives byte for byte; a held one never arrives until released;
# upstream down or an untrusted certificate give 451 and nothing is lost;
# STARTTLS and AUTH for local clients; 421 past max_sessions.

. "$MG_SRCDIR/tests/integration/lib.sh"
need swaks
need msmtp
need openssl
need_aiosmtpd

CA="$MG_WORK/ca"
sh "$MG_SRCDIR/tests/integration/mkca.sh" "$CA" >/dev/null 2>&1 || \
	{ fail "mkca.sh failed"; finish; }
trap 'stop_serve; stop_upstream; rm -rf "$MG_WORK"' EXIT

start_upstream --tls-cert "$CA/server.pem" --tls-key "$CA/server.key" \
    --require-tls --auth "priya:up-s3cret"
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
# write_conf FILE EXTRA-SMTP-SETTINGS: the example configuration, with an
# smtp upstream on $PORT.  The same message is sent again on purpose to
# other upstreams: no resend recognition (resend_window = 0).
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e "s#max_sessions = 16;#$2 resend_window = 0;#" \
	    -e '/^upstream = {/,/^};/d' \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$1"
	cat >>"$1" <<CONF
upstream = { type = "smtp"; host = "localhost"; port = $PORT; tls = "starttls";
             auth = "plain"; user = "priya"; password_command = "echo up-s3cret";
             tls_trust_file = "$CA/ca.pem"; timeout = 5; };
CONF
}
write_conf "$conf" "max_sessions = 2; tls_cert = \"$CA/server.pem\"; tls_key = \"$CA/server.key\";"
start_serve "$conf"
pass "serve relaying to localhost:$PORT"

printf '%s\r\n' \
    'From: Priya Raman <priya.raman@example.com>' \
    'To: genetics-residency@harborview.edu' \
    'Subject: Thank you for my interview' \
    'Date: Wed, 11 Nov 2026 09:00:00 -0500' \
    'Message-ID: <relay-clean-1@example.com>' \
    'MIME-Version: 1.0' \
    'Content-Type: text/plain; charset=utf-8' \
    'Content-Transfer-Encoding: 8bit' \
    '' \
    'Dear Dr. Marchetti,' \
    '' \
    'Thank you for the interview and the tour of the hereditary cancer' \
    'clinic; talking with Dr. Núñez-Ortega was a highlight.' \
    '.A line with a leading dot.' \
    '' \
    'Priya Raman' >"$MG_WORK/clean.eml"
cat >"$MG_WORK/msmtprc" <<RC
account default
host 127.0.0.1
port $SERVE_PORT
auth off
tls on
tls_starttls on
tls_trust_file $CA/ca.pem
tls_host_override localhost
from priya.raman@example.com
RC
chmod 600 "$MG_WORK/msmtprc"
if msmtp -C "$MG_WORK/msmtprc" genetics-residency@harborview.edu \
    <"$MG_WORK/clean.eml" 2>"$MG_WORK/msmtp.err"; then
	pass "msmtp over STARTTLS to matchguard: accepted"
else
	fail "msmtp refused: $(cat "$MG_WORK/msmtp.err")"
fi
if [ -f "$UP_OUT/1.eml" ] && cmp -s "$MG_WORK/clean.eml" "$UP_OUT/1.eml"; then
	pass "the message arrived upstream byte for byte ($(sha256sum <"$UP_OUT/1.eml" | cut -c1-16))"
else
	fail "upstream got something else: $(ls "$UP_OUT" 2>&1)"
fi
grep -q '"priya"' "$UP_OUT/1.json" 2>/dev/null || fail "upstream saw no AUTH user"

# Held: never reaches upstream; released: it does.
sed -e 's/relay-clean-1/relay-held-1/' -e 's/Dear Dr. Marchetti/Dear [Program Director]/' \
    "$MG_WORK/clean.eml" >"$MG_WORK/held.eml"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from priya.raman@example.com \
    --to genetics-residency@harborview.edu --data "@$MG_WORK/held.eml" \
    >"$MG_WORK/swaks.out" 2>&1
id=$(sed -n 's/.*held for review \([0-9a-z-]*\).*/\1/p' "$MG_WORK/swaks.out" | head -1)
[ -n "$id" ] && pass "held as $id" || fail "not held: $(cat "$MG_WORK/swaks.out")"
[ ! -f "$UP_OUT/2.eml" ] || fail "a held message reached upstream"
expect_status 0 "queue release" "$MG_BIN" -c "$conf" queue release "$id"
# swaks ends the data with its own CRLF before the final dot, so what the
# client sent is the file plus one line end.  The one change: the Date of
# the release.
{ cat "$MG_WORK/held.eml"; printf '\r\n'; } | grep -v '^Date:' >"$MG_WORK/held.sent"
if [ -f "$UP_OUT/2.eml" ] && grep -v '^Date:' "$UP_OUT/2.eml" |
    cmp -s "$MG_WORK/held.sent" -; then
	pass "the released message arrived upstream unchanged but for its Date"
else
	fail "release did not deliver upstream"
fi
rdate=$(sed -n 's/^Date: \(.*\)\r$/\1/p' "$UP_OUT/2.eml")
now=$(date +%s)
rsec=$(date -d "$rdate" +%s 2>/dev/null || echo 0)
[ $((now - rsec)) -le 60 ] && [ $((now - rsec)) -ge -5 ] &&
    pass "the released letter is dated at its release ($rdate)" ||
    fail "the released letter's Date is \"$rdate\", not the time of its release"

# STARTTLS and AUTH for local clients, with swaks.
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from priya.raman@example.com \
    --to aunt@example.org --tls --data "@$MG_WORK/clean.eml" \
    >"$MG_WORK/swaks.out" 2>&1
grep -q "<.* 250 2.0.0 relayed" "$MG_WORK/swaks.out" || \
	fail "swaks --tls: $(tail -5 "$MG_WORK/swaks.out")"

# 421 past max_sessions (2): two idle sessions, then a third.  They have
# said EHLO: one that has said nothing would be closed to make room.
python3 - "$SERVE_PORT" <<'PY' || fail "no 421 past max_sessions"
import socket, sys, time
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
for s in held:
    assert s.recv(512).startswith(b"220"), "no greeting"
    s.sendall(b"EHLO held.test\r\n")
    assert b"250 " in s.recv(4096), "no EHLO reply"
third = socket.create_connection(("127.0.0.1", port))
reply = third.recv(512)
assert reply.startswith(b"421 4.3.2"), reply
for s in held:
    s.close()
time.sleep(0.5)
again = socket.create_connection(("127.0.0.1", port))
assert again.recv(512).startswith(b"220"), "not serving after the 421"
PY

# Upstream refuses a recipient (5xx): the refusal is passed on.
stop_serve
stop_upstream
start_upstream --reject-rcpt aunt@example.org
write_conf "$conf" "max_sessions = 16;"
sed -i -e 's/tls = "starttls";/tls = "none";/' -e 's/auth = "plain";/auth = "none";/' \
    -e '/password_command/d' -e 's/user = "priya";//' "$conf"
start_serve "$conf"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from priya.raman@example.com \
    --to aunt@example.org --data "@$MG_WORK/clean.eml" >"$MG_WORK/swaks.out" 2>&1
grep -q "<.* 550 " "$MG_WORK/swaks.out" || \
	fail "an upstream 550 is not passed on: $(grep '<' "$MG_WORK/swaks.out" | tail -2)"

# An untrusted certificate upstream: 451, and the client keeps the message.
stop_upstream
start_upstream --tls-cert "$CA/selfsigned.pem" --tls-key "$CA/selfsigned.key"
stop_serve
write_conf "$conf" "max_sessions = 16; local_user = \"priya\"; local_password = \"local-password\";"
start_serve "$conf"
sed 's/relay-clean-1/relay-clean-2/' "$MG_WORK/clean.eml" >"$MG_WORK/c2.eml"
# With smtp.local_password set, AUTH comes first.
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from priya.raman@example.com \
    --to aunt@example.org --data "@$MG_WORK/c2.eml" >"$MG_WORK/swaks.out" 2>&1
grep -q "<.* 530 5.7.0" "$MG_WORK/swaks.out" || fail "no 530 without AUTH"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from priya.raman@example.com \
    --to aunt@example.org --auth PLAIN --auth-user priya --auth-password wrong \
    --data "@$MG_WORK/c2.eml" >"$MG_WORK/swaks.out" 2>&1
grep -q "<.* 535 5.7.8" "$MG_WORK/swaks.out" || fail "a wrong local password is not refused"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from priya.raman@example.com \
    --to aunt@example.org --auth LOGIN --auth-user priya --auth-password local-password \
    --data "@$MG_WORK/c2.eml" >"$MG_WORK/swaks.out" 2>&1
grep -q "<.* 235 2.7.0" "$MG_WORK/swaks.out" || fail "local AUTH LOGIN refused"
grep -q "<.* 451 4.4.1 .*certificate" "$MG_WORK/swaks.out" || \
	fail "untrusted upstream certificate not refused with 451: $(grep '<' "$MG_WORK/swaks.out" | tail -2)"
[ -z "$(ls "$UP_OUT" 2>/dev/null)" ] || fail "something reached an untrusted upstream"

# Upstream down: 451; nothing held, nothing lost.
stop_upstream
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from priya.raman@example.com \
    --to aunt@example.org --auth PLAIN --auth-user priya --auth-password local-password \
    --data "@$MG_WORK/c2.eml" >"$MG_WORK/swaks.out" 2>&1
grep -q "<.* 451 4.4.1" "$MG_WORK/swaks.out" || fail "upstream down: no 451"
# A letter to a program that could not be relayed is not history: the
# client will send it again, and that must not look like a second letter.
sed -e 's/relay-clean-1/relay-down-1/' -e 's/genetics-residency@harborview.edu/mggresidency@northgate.edu/' \
    -e 's/Dr. Marchetti/Dr. Feldman/' -e 's/hereditary cancer/genetics/' "$MG_WORK/clean.eml" >"$MG_WORK/down.eml"
swaks --server 127.0.0.1 --port "$SERVE_PORT" --from priya.raman@example.com \
    --to mggresidency@northgate.edu --auth PLAIN --auth-user priya --auth-password local-password \
    --data "@$MG_WORK/down.eml" >"$MG_WORK/swaks.out" 2>&1
grep -q "<.* 451 4.4.1" "$MG_WORK/swaks.out" || fail "upstream down, program letter: no 451"
[ "$(sqlite3 "$XDG_STATE_HOME/matchguard/ledger.sqlite" \
    "SELECT count(*) FROM sent WHERE message_id = 'relay-down-1@example.com'")" = 0 ] || \
	fail "a letter that was not relayed stays in the ledger as sent"
grep -q "up-s3cret" "$MG_WORK/serve.log" "$MG_WORK/swaks.out" && \
	fail "the upstream password appears in a log"
finish
