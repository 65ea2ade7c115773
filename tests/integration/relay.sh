#!/bin/sh
# relay.sh - the upstream relay (mg_upstream_send) against a real SMTP server.
#
# Runs tests/relay_probe (MG_PROBE) against tests/integration/upstream.py
# (aiosmtpd) on a free loopback port, with certificates from mkca.sh:
# STARTTLS and implicit TLS, AUTH PLAIN, LOGIN and XOAUTH2,
# password_command, certificate and host name checks, temporary and
# permanent refusals, and the bytes upstream compared with the file sent.
# Skipped (77) without python3-aiosmtpd or openssl.

. "$MG_SRCDIR/tests/integration/lib.sh"

: "${MG_PROBE:?run through make check, or set MG_PROBE to tests/relay_probe}"

need openssl
need_aiosmtpd

T="$MG_SRCDIR/tests/integration"
PASS=s3cret-pw
ALL_OUT="$MG_WORK/all-output"
: >"$ALL_OUT"
trap 'stop_upstream; rm -rf "$MG_WORK"' EXIT
trap 'exit 99' INT TERM

# conf NAME SETTINGS: NAME.conf with an smtp upstream on $PORT.
TIMEOUT=10
conf() {
	{
		cat "$MG_WORK/base.conf"
		printf 'upstream = { type = "smtp"; port = %s;' "$PORT"
		printf ' timeout = %s;\n' "$TIMEOUT"
		printf '  %s\n};\n' "$2"
	} >"$MG_WORK/$1.conf"
}

# probe NAME [MESSAGE [RCPT...]]: run the probe; $st is its exit status
# and $MG_WORK/out its output.
probe() {
	name=$1
	msg=${2:-$MSG}
	shift
	[ $# -gt 0 ] && shift
	[ $# -gt 0 ] || set -- you@example.org
	"$MG_PROBE" "$MG_WORK/$name.conf" "$msg" me@example.com "$@" \
	    >"$MG_WORK/out" 2>"$MG_WORK/err"
	st=$?
	cat "$MG_WORK/out" "$MG_WORK/err" >>"$ALL_OUT"
}

# expect WHAT STATUS CODE-PATTERN [TEXT-PATTERN]
expect() {
	line=$(head -n 1 "$MG_WORK/out")
	if [ "$st" -ne "$2" ]; then
		fail "$1: exit $st, wanted $2: $line $(cat "$MG_WORK/err")"
	elif ! printf '%s\n' "$line" | grep -Eq "^$3 "; then
		fail "$1: reply does not match /^$3 /: $line"
	elif [ -n "${4:-}" ] && ! printf '%s\n' "$line" | grep -Eq -- "$4"; then
		fail "$1: reply does not match /$4/: $line"
	else
		pass "$1: $line"
	fi
}

# same_bytes WHAT N [FILE]: upstream's N.eml is FILE (default $MSG).
same_bytes() {
	got="$UP_OUT/$2.eml"
	want=$(sha256sum <"${3:-$MSG}" | cut -d' ' -f1)
	if [ ! -f "$got" ]; then
		fail "$1: nothing arrived upstream"
	elif [ "$(sha256sum <"$got" | cut -d' ' -f1)" != "$want" ]; then
		fail "$1: bytes upstream differ: $(od -c "$got" | head -n 20)"
	else
		pass "$1: bytes upstream are identical"
	fi
}

nothing_upstream() {
	if ls "$UP_OUT"/*.eml >/dev/null 2>&1; then
		fail "$1: a message arrived upstream"
	else
		pass "$1: nothing upstream"
	fi
}

# Certificates, configuration and messages.
sh "$T/mkca.sh" "$MG_WORK/ca" >"$MG_WORK/mkca.log" 2>&1 ||
	{ echo "mkca.sh failed: $(cat "$MG_WORK/mkca.log")" >&2; exit 99; }
CA="$MG_WORK/ca"
cat >"$MG_WORK/base.conf" <<EOF
identity = { name = "Test Applicant"; addresses = [ "me@example.com" ]; };
season = { eras_open = "2026-09-24"; rol_deadline = "2027-03-03";
           match_day = "2027-03-19"; };
paths = { filters = "$MG_SRCDIR/filters"; state = "$MG_WORK/state"; };
EOF
# 8-bit UTF-8, lines starting with "." (one a lone dot: dot-stuffing
# must survive the round trip), CRLF line ends.
MSG="$MG_WORK/message.eml"
printf '%s\r\n' "From: Test Applicant <me@example.com>" \
    "To: Program <you@example.org>" "Subject: Thank you" \
    "Content-Type: text/plain; charset=utf-8" \
    "Content-Transfer-Encoding: 8bit" "" \
    "Dear Dr. Müller, thank you — it was a pleasure." \
    ".leading dot" "..two dots" "." " ." "Best," "Test" >"$MSG"
# The same with bare LF line ends: upstream gets CRLF (upstream.h).
LFMSG="$MG_WORK/message-lf.eml"
tr -d '\r' <"$MSG" >"$LFMSG"
echo "$PASS" >"$MG_WORK/passfile"

trust="tls_trust_file = \"$CA/ca.pem\";"

# STARTTLS with the test CA, AUTH PLAIN, LOGIN, XOAUTH2, password_command.
start_upstream --tls-cert "$CA/server.pem" --tls-key "$CA/server.key" \
    --require-tls --auth "alice:$PASS"
conf plain "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"plain\"; user = \"alice\"; password = \"$PASS\";"
probe plain
expect "starttls + AUTH PLAIN" 0 250 "accepted"
same_bytes "starttls + AUTH PLAIN" 1
if grep -q '"auth_user": "alice"' "$UP_OUT/1.json" 2>/dev/null; then
	pass "upstream saw user alice"
else
	fail "upstream did not see user alice: $(cat "$UP_OUT/1.json")"
fi
if grep -q 'BODY=8BITMIME' "$UP_OUT/1.json" 2>/dev/null &&
    grep -q 'SIZE=' "$UP_OUT/1.json"; then
	pass "MAIL FROM has SIZE and BODY=8BITMIME"
else
	fail "MAIL FROM parameters: $(cat "$UP_OUT/1.json")"
fi

conf login "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"login\"; user = \"alice\"; password = \"$PASS\";"
probe login
expect "AUTH LOGIN" 0 250
same_bytes "AUTH LOGIN" 2

conf xoauth2 "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"xoauth2\"; user = \"alice\"; password = \"$PASS\";"
probe xoauth2
expect "AUTH XOAUTH2" 0 250

conf cmd "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"plain\"; user = \"alice\";
  password_command = \"cat '$MG_WORK/passfile'\";"
probe cmd
expect "password_command" 0 250

# A daemon started by the command (think gpg-agent) keeps the pipe open:
# the first line and the command's exit are enough.  No newline is fine.
conf cmdbg "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"plain\"; user = \"alice\";
  password_command = \"printf %s $PASS; sleep 8 &\";"
t0=$(date +%s)
probe cmdbg
expect "password_command leaving a daemon behind" 0 250
if [ $(($(date +%s) - t0)) -lt 5 ]; then
	pass "... without waiting for it"
else
	fail "password_command: waited for the daemon"
fi

conf cmdfail "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"plain\"; user = \"alice\";
  password_command = \"echo $PASS; exit 3\";"
probe cmdfail
expect "failing password_command" 1 451 "exit status 3"

conf ip "host = \"127.0.0.1\"; tls = \"starttls\"; $trust
  auth = \"plain\"; user = \"alice\"; password = \"$PASS\";"
probe ip
expect "IP address in the certificate (IP:127.0.0.1)" 0 250

probe plain "$LFMSG"
expect "bare LF message" 0 250
same_bytes "bare LF message arrives with CRLF" 7 "$MSG"

conf wrongpw "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"plain\"; user = \"alice\"; password = \"not-$PASS\";"
probe wrongpw
expect "wrong password" 2 535 "AUTH PLAIN"
conf wrongpw_login "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"login\"; user = \"alice\"; password = \"not-$PASS\";"
probe wrongpw_login
expect "wrong password, AUTH LOGIN" 2 535
conf wrongpw_x "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"xoauth2\"; user = \"alice\"; password = \"not-$PASS\";"
probe wrongpw_x
expect "wrong token, AUTH XOAUTH2" 2 535

# Nothing but the seven messages above arrived.
n=$(find "$UP_OUT" -name '*.eml' | wc -l)
if [ "$n" -eq 7 ]; then
	pass "7 messages upstream"
else
	fail "$n messages upstream, wanted 7"
fi

# Upstream down: the port that server had is closed now.
stop_upstream
probe plain
expect "upstream down" 1 451 "cannot connect"

# A server that accepts the connection and never says a word, and a
# password_command that hangs: both bounded by the timeout.
"$PY" -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$MG_WORK/silent.port" &
SILENT_PID=$!
i=0
while [ ! -s "$MG_WORK/silent.port" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
PORT=$(cat "$MG_WORK/silent.port")
TIMEOUT=2
conf silent "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"plain\"; user = \"alice\"; password = \"$PASS\";"
probe silent
expect "silent upstream" 1 451 "no reply .* within 2 s"
kill "$SILENT_PID" 2>/dev/null
wait "$SILENT_PID" 2>/dev/null
conf hang "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"plain\"; user = \"alice\"; password_command = \"sleep 30\";"
probe hang
expect "hanging password_command" 1 451 "did not finish within 2 s"
TIMEOUT=10

# Implicit TLS (465 style).
start_upstream --tls-cert "$CA/server.pem" --tls-key "$CA/server.key" \
    --implicit-tls --auth "alice:$PASS"
conf implicit "host = \"localhost\"; tls = \"implicit\"; $trust
  auth = \"plain\"; user = \"alice\"; password = \"$PASS\";"
probe implicit
expect "implicit TLS" 0 250
same_bytes "implicit TLS" 1
conf implicit_untrusted "host = \"localhost\"; tls = \"implicit\";
  auth = \"plain\"; user = \"alice\"; password = \"$PASS\";"
probe implicit_untrusted
expect "implicit TLS, no trust file" 1 451 "certificate"

# A certificate no one trusts (self-signed, and no tls_trust_file).
start_upstream --tls-cert "$CA/selfsigned.pem" \
    --tls-key "$CA/selfsigned.key" --require-tls --auth "alice:$PASS"
conf untrusted "host = \"localhost\"; tls = \"starttls\";
  auth = \"plain\"; user = \"alice\"; password = \"$PASS\";"
probe untrusted
expect "self-signed certificate" 1 451 "certificate"
nothing_upstream "self-signed certificate"

# Trusted CA, but the certificate is for mail.example.org.
start_upstream --tls-cert "$CA/wrongname.pem" --tls-key "$CA/wrongname.key" \
    --require-tls --auth "alice:$PASS"
conf mismatch "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"plain\"; user = \"alice\"; password = \"$PASS\";"
probe mismatch
expect "host name mismatch" 1 451 "certificate of localhost.*(name|owner)"
nothing_upstream "host name mismatch"

# No STARTTLS offered: never fall back to plain text.
start_upstream --auth "alice:$PASS"
conf notls "host = \"localhost\"; tls = \"starttls\"; $trust
  auth = \"plain\"; user = \"alice\"; password = \"$PASS\";"
probe notls
expect "STARTTLS not offered" 1 451 "STARTTLS"
nothing_upstream "STARTTLS not offered"

# tls = none (loopback only) and no AUTH.
start_upstream
conf none "host = \"127.0.0.1\"; tls = \"none\";"
probe none
expect "tls none, no auth" 0 250
same_bytes "tls none, no auth" 1

# Refusals: 4xx is temporary, 5xx permanent; a refused recipient fails
# the whole message.
start_upstream --tempfail
conf none "host = \"127.0.0.1\"; tls = \"none\";"
probe none
expect "upstream 451" 1 451 "refused the message"
nothing_upstream "upstream 451"
start_upstream --reject-rcpt bad@example.org
conf none "host = \"127.0.0.1\"; tls = \"none\";"
probe none "$MSG" you@example.org bad@example.org
expect "refused recipient" 2 550 "bad@example.org"
nothing_upstream "refused recipient"

# Maildir upstream ("local mode").
cat "$MG_WORK/base.conf" >"$MG_WORK/maildir.conf"
echo "upstream = { type = \"maildir\"; path = \"$MG_WORK/Maildir\"; };" \
    >>"$MG_WORK/maildir.conf"
probe maildir
expect "maildir" 0 250 "delivered"
f=$(find "$MG_WORK/Maildir/new" -type f 2>/dev/null | head -n 1)
if [ -n "$f" ] && cmp -s "$f" "$MSG" &&
    [ "$(stat -c %a "$f")" = 600 ] &&
    [ "$(stat -c %a "$MG_WORK/Maildir/tmp")" = 700 ] &&
    [ -z "$(ls "$MG_WORK/Maildir/tmp")" ]; then
	pass "maildir: new/ file identical, 0600, tmp/ empty"
else
	fail "maildir: $(ls -lR "$MG_WORK/Maildir")"
fi

# The password never shows, in any output of any run above.
if grep -qF "$PASS" "$ALL_OUT"; then
	fail "the password appears in the output: $(grep -F "$PASS" "$ALL_OUT")"
else
	pass "the password appears in no output"
fi

finish
