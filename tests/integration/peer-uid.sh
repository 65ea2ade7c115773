#!/bin/sh
# peer-uid.sh - only the user who runs `matchguard serve` may send through
# it (issue 9).  Run as root, against serve relaying to a real SMTP server
# (upstream.py):
#   - smtp.peer_check = "uid" (the default on Linux with loopback
#     addresses): the README's swaks command, from the same user, is
#     relayed without AUTH; the same from another user (nobody, through
#     setpriv or runuser), with swaks and with a raw client, over IPv4 and
#     IPv6, gets 554 5.7.1 and is closed, and is logged; nothing of it
#     reaches upstream;
#   - a dual-stack client (an AF_INET6 socket, as Java's and many
#     Python programs' are) to ::ffff:127.0.0.1, which the kernel lists
#     with IPv6 addresses: the same user is relayed, nobody is refused;
#   - the refusals are logged once an interval (smtp.log_interval), the
#     rest counted in one line;
#   - with smtp.local_password too, AUTH is required in addition;
#   - smtp.peer_check = "password": a password is made at the first start
#     (0600 file, never logged), AUTH is required (530 without, 535 when
#     wrong), any user name with it is relayed, and the next start reads
#     the same one;
#   - "uid" with a non-loopback listen address is a one-line error.

. "$MG_SRCDIR/tests/integration/lib.sh"
need swaks
need_aiosmtpd
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to connect as another user"; exit 77; }
if command -v setpriv >/dev/null 2>&1; then
	as_nobody() { env HOME=/ setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
elif command -v runuser >/dev/null 2>&1; then
	as_nobody() { env HOME=/ runuser -u nobody -- "$@"; }
else
	echo "SKIP: neither setpriv nor runuser"; exit 77
fi
as_nobody /usr/bin/python3 -c 'import os; assert os.getuid() == 65534' || \
	{ echo "SKIP: cannot run as uid 65534"; exit 77; }

trap 'stop_serve; stop_upstream; rm -rf "$MG_WORK"' EXIT
start_upstream
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
pwfile="$XDG_STATE_HOME/matchguard/local-password"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
# write_conf EXTRA-SMTP-SETTINGS [LISTEN]
write_conf() {
	listen=${2:-"\"127.0.0.1:$SERVE_PORT\", \"[::1]:$SERVE_PORT\""}
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ $listen ];#" \
	    -e "s#max_sessions = 16;#max_sessions = 16; $1#" \
	    -e '/^upstream = {/,/^};/d' \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	cat >>"$conf" <<CONF
upstream = { type = "smtp"; host = "127.0.0.1"; port = $PORT; tls = "none";
             auth = "none"; timeout = 5; };
CONF
}
upstream_count() { ls "$UP_OUT" 2>/dev/null | grep -c '\.eml$'; }

# send NAME OUTFILE [swaks options]: the README's swaks command.
send() {
	what=$1 into=$2
	shift 2
	swaks --server "127.0.0.1:$SERVE_PORT" --from priya.raman@example.com \
	    --to aunt@example.org --header "Subject: $what" \
	    --body "Dear Aunt Maya, this is $what." "$@" >"$into" 2>&1
}

# raw HOST: a client as nobody; prints the first reply and what followed.
raw_as_nobody() {
	as_nobody /usr/bin/python3 -c '
import os, socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.settimeout(5)
s.connect((sys.argv[1], int(sys.argv[2])))
f = s.makefile("rb")
first = f.readline().decode().strip()
try:
    s.sendall(b"EHLO nobody.test\r\n")
    rest = f.read().decode().strip() or "EOF"
except OSError as e:
    rest = type(e).__name__
print("uid %d: %s | then: %s" % (os.getuid(), first, rest))
' "$1" "$SERVE_PORT"
}

# --- peer_check = "uid" (the default)
write_conf ""
start_serve "$conf"
grep -q 'only programs of the user root (uid 0) may send through it' "$MG_WORK/serve.log" || \
	fail "the start does not say who may send: $(cat "$MG_WORK/serve.log")"
send "the same user" "$MG_WORK/same.out"
if grep -q "<.* 250 2.0.0 relayed" "$MG_WORK/same.out" && [ "$(upstream_count)" = 1 ]; then
	pass "the same user, no AUTH (the README's swaks command): relayed"
else
	fail "the same user: $(grep '<' "$MG_WORK/same.out" | tail -2)"
fi
as_nobody swaks --server "127.0.0.1:$SERVE_PORT" --from priya.raman@example.com \
    --to victim@example.org --header "Subject: from nobody" \
    --body "This must not be relayed." >"$MG_WORK/nobody.out" 2>&1
if grep -q "<\*\* 554 5.7.1 .*only the user who started matchguard may send through it" "$MG_WORK/nobody.out"; then
	pass "another user, swaks: $(grep '<\*\*' "$MG_WORK/nobody.out" | head -1)"
else
	fail "another user, swaks: $(cat "$MG_WORK/nobody.out")"
fi
out=$(raw_as_nobody 127.0.0.1)
case $out in
"uid 65534: 554 5.7.1 "*"only the user who started matchguard"*"| then: "*)
	case $out in
	*"then: EOF"|*"then: ConnectionResetError"|*"then: BrokenPipeError") pass "another user, raw, IPv4: $out" ;;
	*) fail "another user, raw, IPv4: not closed: $out" ;;
	esac ;;
*) fail "another user, raw, IPv4: $out" ;;
esac
more=2		# refusals after the first: raw IPv4, mapped; and IPv6
if grep -q "listening on \[::1\]:$SERVE_PORT" "$MG_WORK/serve.log"; then
	more=3
	out=$(raw_as_nobody ::1)
	case $out in
	"uid 65534: 554 5.7.1 "*) pass "another user, raw, IPv6: $out" ;;
	*) fail "another user, raw, IPv6: $out" ;;
	esac
	out=$("$PY" -c '
import socket, sys
s = socket.create_connection(("::1", int(sys.argv[1])), 5)
print(s.makefile("rb").readline().decode().strip())' "$SERVE_PORT")
	case $out in
	220*) pass "the same user, IPv6: $out" ;;
	*) fail "the same user, IPv6: $out" ;;
	esac
else
	echo "no IPv6 loopback here: the IPv6 cases are skipped"
fi
[ "$(upstream_count)" = 1 ] || fail "another user's letter reached upstream"

# mapped [as_nobody]: a whole letter from an AF_INET6 socket connected to
# ::ffff:127.0.0.1 (the user's own Java client does this); prints the
# replies.
mapped() {
	"$@" /usr/bin/python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(("::ffff:127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
def reply():
    while True:
        l = f.readline().decode().strip()
        if l[3:4] != "-":
            return l or "EOF"
got = [reply()]
for cmd in (b"EHLO dual.test", b"MAIL FROM:<priya.raman@example.com>",
            b"RCPT TO:<aunt@example.org>", b"DATA"):
    if not got[-1][:1] in ("2", "3"):
        break
    try:
        s.sendall(cmd + b"\r\n")
        got.append(reply())
    except OSError as e:
        got.append(type(e).__name__)
if got[-1].startswith("354"):
    s.sendall(b"Subject: dual-stack\r\n\r\nDear Aunt Maya, from Java.\r\n.\r\n")
    got.append(reply())
print("uid %d: %s" % (os.getuid(), " | ".join(got)))
' "$SERVE_PORT"
}
out=$(mapped)
case $out in
"uid 0: 220 "*"| 250 2.0.0 relayed"*) pass "the same user, AF_INET6 socket to ::ffff:127.0.0.1: $out" ;;
*) fail "the same user, AF_INET6 socket to ::ffff:127.0.0.1: $out" ;;
esac
out=$(mapped as_nobody)
case $out in
"uid 65534: 554 5.7.1 "*) pass "another user, AF_INET6 socket to ::ffff:127.0.0.1: $out" ;;
*) fail "another user, AF_INET6 socket to ::ffff:127.0.0.1: $out" ;;
esac
[ "$(upstream_count)" = 2 ] || fail "upstream has $(upstream_count) letters, wanted 2"
grep -q "cannot tell which user" "$MG_WORK/serve.log" && \
	fail "serve could not tell a user: $(grep -m1 'cannot tell' "$MG_WORK/serve.log")"

# The refusals so far: the first is logged, the others are counted, and
# the count is logged when the interval ends (here: at the stop).
n=$(grep -c 'refused a connection from .* (uid 65534): only the user who started matchguard (uid 0) may send through it' \
    "$MG_WORK/serve.log")
[ "$n" = 1 ] && pass "refusals logged once: $n line" || fail "refusals logged: $n lines: $(tail -3 "$MG_WORK/serve.log")"
stop_serve
line=$(grep -E '^matchguard: [0-9]+ more connections of other users refused in the last [0-9]+ s$' "$MG_WORK/serve.log")
case $line in
*": $more more "*) pass "and counted: $line" ;;
*) fail "the count of refusals: '$line'" ;;
esac

# --- uid, and smtp.local_password: AUTH in addition.
stop_serve
write_conf 'local_user = "priya"; local_password = "local-password";'
start_serve "$conf"
send "no AUTH" "$MG_WORK/noauth.out"
grep -q "<.* 530 5.7.0" "$MG_WORK/noauth.out" || \
	fail "uid + local_password, no AUTH: $(grep '<' "$MG_WORK/noauth.out" | tail -1)"
send "AUTH" "$MG_WORK/auth.out" --auth PLAIN --auth-user priya --auth-password local-password
grep -q "<.* 250 2.0.0 relayed" "$MG_WORK/auth.out" || \
	fail "uid + local_password, AUTH: $(grep '<' "$MG_WORK/auth.out" | tail -1)"
as_nobody swaks --server "127.0.0.1:$SERVE_PORT" --from priya.raman@example.com \
    --to victim@example.org --auth PLAIN --auth-user priya --auth-password local-password \
    --body "no" >"$MG_WORK/nobody2.out" 2>&1
grep -q "<\*\* 554 5.7.1" "$MG_WORK/nobody2.out" || \
	fail "uid + local_password: another user with the password got in: $(grep '<' "$MG_WORK/nobody2.out" | tail -1)"
[ "$(upstream_count)" = 3 ] && pass "uid + local_password: 530 without AUTH, relayed with it, another user refused even with the password" || \
	fail "uid + local_password: upstream has $(upstream_count), wanted 3"

# --- peer_check = "password": the generated password.
stop_serve
write_conf 'peer_check = "password";'
start_serve "$conf"
if [ -f "$pwfile" ] && [ "$(stat -c %a "$pwfile")" = 600 ]; then
	pw=$(cat "$pwfile")
	pass "password mode: $pwfile made, mode 600, ${#pw} characters"
else
	fail "password mode: no 0600 $pwfile"
	pw=none
fi
grep -q "made a new local password for mail clients in $pwfile" "$MG_WORK/serve.log" || \
	fail "the new password is not announced"
grep -q 'the password in .*local-password' "$MG_WORK/serve.log" || fail "the client settings do not say where the password is"
grep -qF -- "$pw" "$MG_WORK/serve.log" && fail "the password is in the log"
send "password, no AUTH" "$MG_WORK/p1.out"
grep -q "<.* 530 5.7.0" "$MG_WORK/p1.out" || fail "password mode, no AUTH: $(grep '<' "$MG_WORK/p1.out" | tail -1)"
grep -q "AUTH PLAIN LOGIN" "$MG_WORK/p1.out" || fail "password mode: AUTH not offered"
send "password, wrong" "$MG_WORK/p2.out" --auth PLAIN --auth-user x --auth-password wrong
grep -q "<.* 535 5.7.8" "$MG_WORK/p2.out" || fail "password mode, wrong password: $(grep '<' "$MG_WORK/p2.out" | tail -1)"
send "password, right" "$MG_WORK/p3.out" --auth LOGIN --auth-user anyone --auth-password "$pw"
if grep -q "<.* 250 2.0.0 relayed" "$MG_WORK/p3.out" && [ "$(upstream_count)" = 4 ]; then
	pass "password mode: 530 without AUTH, 535 when wrong, relayed with the password (any user name)"
else
	fail "password mode, right password: $(grep '<' "$MG_WORK/p3.out" | tail -2)"
fi
stop_serve
: >"$MG_WORK/serve.log"
start_serve "$conf"
[ "$(cat "$pwfile")" = "$pw" ] && ! grep -q "made a new local password" "$MG_WORK/serve.log" && \
	pass "the next start reads the same password" || fail "the password changed at the next start"
stop_serve

# --- "uid" where it cannot work: a one-line error.
write_conf 'peer_check = "uid";' "\"0.0.0.0:$SERVE_PORT\""
expect_status 2 "peer_check = uid with listen 0.0.0.0" timeout 10 "$MG_BIN" -c "$conf" serve
one_line_error 'peer_check: "uid" works only on Linux and with loopback addresses' \
    "peer_check = uid with listen 0.0.0.0"
finish
