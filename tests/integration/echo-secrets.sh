#!/bin/sh
# echo-secrets.sh - servers that repeat the credentials they were sent
# never get them into serve's log, the mail client's screen or poll's
# error: an SMTP upstream (tests/integration/echo_smtp.py) that echoes
# AUTH PLAIN, AUTH LOGIN and XOAUTH2 in its 535 (as sent, upper-cased,
# cut over the lines of a multi-line reply) or in a later reply, driven
# through `matchguard serve` with swaks and msmtp as the client; and an
# IMAP server (hostile_imap.py) that echoes LOGIN and AUTHENTICATE PLAIN
# and XOAUTH2 in its NO, under `poll --once` and under serve.  Every
# transcript and log is searched by tests/integration/leakcheck.py for the
# password and each base64 form of it.

. "$MG_SRCDIR/tests/integration/lib.sh"
need swaks
need msmtp
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

USER_NAME=priya.raman@example.com
PASSWORD='Tr0ub4dor&3"horse-battery'
TOKEN=ya29.A0ARrdaM-Xy7_token0123456789abcdefGHIJ
# As a libconfig string.
PASSWORD_CONF='Tr0ub4dor&3\"horse-battery'

SRV_PID=
trap 'stop_serve; stop_srv; rm -rf "$MG_WORK"' EXIT
stop_srv() {
	if [ -n "$SRV_PID" ]; then
		kill "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		SRV_PID=
	fi
}
# start_srv SCRIPT MODE: a server of ours on $SRV_PORT.
SRV_N=0
start_srv() {
	stop_srv
	SRV_N=$((SRV_N + 1))
	SRV_LOG="$MG_WORK/srv$SRV_N.log"
	: >"$SRV_LOG"
	"$PY" "$MG_SRCDIR/tests/integration/$1" --mode "$2" >>"$SRV_LOG" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 50); do
		SRV_PORT=$(sed -n 's/^ready //p' "$SRV_LOG")
		[ -n "$SRV_PORT" ] && return 0
		sleep 0.1
	done
	echo "$1 did not start: $(cat "$SRV_LOG")" >&2
	exit 99
}

# leaks WHAT FILE...: leakcheck.py on the files, for the password and the
# token.
leaks() {
	what=$1
	shift
	if "$PY" "$MG_SRCDIR/tests/integration/leakcheck.py" \
	    --user "$USER_NAME" --secret "$PASSWORD" --secret "$TOKEN" "$@" \
	    >"$MG_WORK/leak" 2>&1; then
		pass "$what: $(tail -1 "$MG_WORK/leak")"
	else
		fail "$what: $(cat "$MG_WORK/leak")"
	fi
}

# The oracle can fail: the echoes themselves, as the servers send them.
"$PY" - "$USER_NAME" "$PASSWORD" "$TOKEN" >"$MG_WORK/control" <<'EOF'
import base64, sys
u, p, t = (a.encode() for a in sys.argv[1:])
b = base64.b64encode(b"\0" + u + b"\0" + p).decode()
print("535 5.7.8 authentication failed for <AUTH PLAIN %s>" % b)
EOF
"$PY" - "$USER_NAME" "$PASSWORD" >"$MG_WORK/control-split" <<'EOF'
import base64, sys
u, p = (a.encode() for a in sys.argv[1:])
b = base64.b64encode(b"x\0" + u + b"\0" + p).decode().upper()
print("".join("535-5.7.8 %s\r\n" % b[i:i + 6] for i in range(0, len(b), 6)))
EOF
for f in control control-split; do
	"$PY" "$MG_SRCDIR/tests/integration/leakcheck.py" --user "$USER_NAME" \
	    --secret "$PASSWORD" "$MG_WORK/$f" >"$MG_WORK/leak" 2>&1 &&
	    fail "leakcheck.py missed the echo in $f: $(cat "$MG_WORK/leak")" ||
	    pass "leakcheck.py finds an unredacted echo ($f): $(tail -1 "$MG_WORK/leak")"
done

SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
# write_conf UPSTREAM-GROUP [IMAP-GROUP]
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e '/^upstream = {/,/^};/d' \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	printf '%s\n%s\n' "$1" "${2:-}" >>"$conf"
}
printf '%s\r\n' 'From: Priya Raman <priya.raman@example.com>' \
    'To: Sam <sam@friends.example>' 'Subject: Saturday' \
    'Date: Wed, 11 Nov 2026 09:00:00 -0500' \
    'Message-ID: <echo-1@example.com>' '' 'See you on Saturday.' \
    >"$MG_WORK/letter.eml"

# The SMTP upstream: every mode and mechanism, through serve and swaks.
for mode in echo upper split later; do
	for auth in plain login xoauth2; do
		start_srv echo_smtp.py "$mode"
		secret=$PASSWORD_CONF
		[ "$auth" = xoauth2 ] && secret=$TOKEN
		write_conf "upstream = { type = \"smtp\"; host = \"127.0.0.1\"; port = $SRV_PORT; tls = \"none\"; auth = \"$auth\"; user = \"$USER_NAME\"; password = \"$secret\"; timeout = 5; };"
		: >"$MG_WORK/serve.log"
		start_serve "$conf"
		swaks --server "127.0.0.1:$SERVE_PORT" --from "$USER_NAME" \
		    --to sam@friends.example --data "@$MG_WORK/letter.eml" \
		    >"$MG_WORK/swaks" 2>&1
		stop_serve
		reply=$(grep '<\*\* *[45][0-9][0-9]' "$MG_WORK/swaks" | head -1)
		echo "measured: $mode/$auth: upstream $(grep -m1 echoed "$SRV_LOG"); client got: $reply"
		case $reply in
		*'[redacted]'*) pass "$mode/$auth: the client sees the refusal, redacted" ;;
		*) fail "$mode/$auth: no redacted refusal for the client: $(cat "$MG_WORK/swaks")" ;;
		esac
		leaks "$mode/$auth: swaks transcript and serve's log" \
		    "$MG_WORK/swaks" "$MG_WORK/serve.log"
	done
done

# msmtp as the client, AUTH PLAIN echoed.
start_srv echo_smtp.py echo
write_conf "upstream = { type = \"smtp\"; host = \"127.0.0.1\"; port = $SRV_PORT; tls = \"none\"; auth = \"plain\"; user = \"$USER_NAME\"; password = \"$PASSWORD_CONF\"; timeout = 5; };"
: >"$MG_WORK/serve.log"
start_serve "$conf"
cat >"$MG_WORK/msmtprc" <<RC
account default
host 127.0.0.1
port $SERVE_PORT
from $USER_NAME
auth off
tls off
RC
chmod 600 "$MG_WORK/msmtprc"
msmtp --debug -C "$MG_WORK/msmtprc" sam@friends.example <"$MG_WORK/letter.eml" \
    >"$MG_WORK/msmtp" 2>&1
echo "measured: msmtp: exit $?; $(grep -m1 'redacted' "$MG_WORK/msmtp")"
stop_serve
grep -q '\[redacted\]' "$MG_WORK/msmtp" && pass "msmtp shows the redacted refusal" ||
    fail "msmtp transcript: $(cat "$MG_WORK/msmtp")"
leaks "msmtp transcript and serve's log" "$MG_WORK/msmtp" "$MG_WORK/serve.log"

# The IMAP server: LOGIN, AUTHENTICATE PLAIN and XOAUTH2 echoed in its NO.
upstream_maildir='upstream = { type = "maildir"; };'
for mode in echo echo-upper echo-split; do
	for auth in login plain xoauth2; do
		start_srv hostile_imap.py "$mode"
		secret=$PASSWORD_CONF
		[ "$auth" = xoauth2 ] && secret=$TOKEN
		write_conf "$upstream_maildir" "imap = { host = \"127.0.0.1\"; port = $SRV_PORT; tls = \"none\"; auth = \"$auth\"; user = \"$USER_NAME\"; password = \"$secret\"; timeout = 5; };"
		"$MG_BIN" -c "$conf" poll --once >"$MG_WORK/poll" 2>&1
		rc=$?
		echo "measured: imap $mode/$auth: exit $rc: $(cat "$MG_WORK/poll")"
		[ "$rc" -eq 2 ] && grep -q "refused the .* of $USER_NAME: .*\[redacted\]" "$MG_WORK/poll" &&
		    pass "imap $mode/$auth: the refusal is reported, redacted" ||
		    fail "imap $mode/$auth: $(cat "$MG_WORK/poll")"
		leaks "imap $mode/$auth: poll's output" "$MG_WORK/poll"
	done
done

# serve with the poller on the echoing IMAP server: its log.
start_srv hostile_imap.py echo
write_conf "$upstream_maildir" "imap = { host = \"127.0.0.1\"; port = $SRV_PORT; tls = \"none\"; auth = \"plain\"; user = \"$USER_NAME\"; password = \"$PASSWORD_CONF\"; max_backoff = 1; };"
: >"$MG_WORK/serve.log"
start_serve "$conf"
for _ in $(seq 50); do
	[ "$(grep -c 'refused the AUTHENTICATE PLAIN' "$MG_WORK/serve.log")" -ge 2 ] && break
	sleep 0.1
done
stop_serve
n=$(grep -c 'refused the AUTHENTICATE PLAIN' "$MG_WORK/serve.log")
echo "measured: serve's poller was refused $n times: $(grep -m1 'refused the AUTH' "$MG_WORK/serve.log")"
[ "$n" -ge 2 ] && pass "serve's poller logs each refusal" ||
    fail "serve's poller: $(cat "$MG_WORK/serve.log")"
leaks "serve's log with the IMAP poller" "$MG_WORK/serve.log"

finish
