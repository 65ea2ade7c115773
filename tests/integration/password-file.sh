#!/bin/sh
# password-file.sh - the local password file of password mode
# (state/local-password) is read only when it is the user's own plain
# file (issue 9, the review: a FIFO put there made serve hang at start; a
# file of another user was refused as "can be read by other users").
# serve, with smtp.peer_check = "password", against each of these in
# place of the file, must stop at once (exit 2) with one line that says
# what is wrong:
#   - a FIFO (nothing writes to it): "is not a plain file", within 5 s;
#   - a file of another user (nobody, as root), mode 0600: "belongs to
#     another user (uid 65534)", and not "can be read";
#   - mode 0644: "can be read by other users (mode 0644)";
#   - a symbolic link to a 0600 file of the user: "is a symbolic link";
#   - a password of 8 characters written by hand: "a password of 8
#     characters";
# and with the state folder writable by others (0777), serve starts and
# warns.

. "$MG_SRCDIR/tests/integration/lib.sh"
need_aiosmtpd

trap 'stop_serve; stop_upstream; rm -rf "$MG_WORK"' EXIT
start_upstream
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
    -e "s#max_sessions = 16;#max_sessions = 16; peer_check = \"password\";#" \
    -e '/^upstream = {/,/^};/d' \
    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
cat >>"$conf" <<CONF
upstream = { type = "smtp"; host = "127.0.0.1"; port = $PORT; tls = "none";
             auth = "none"; timeout = 5; };
CONF
dir="$XDG_STATE_HOME/matchguard"
pwfile="$dir/local-password"

# The first start makes the file; keep a good copy.
start_serve "$conf"
stop_serve
[ -f "$pwfile" ] || { echo "no $pwfile" >&2; exit 99; }
cp -p "$pwfile" "$MG_WORK/good"

# refused WHAT PATTERN: serve stops at once, one line.
refused() {
	t0=$(date +%s%3N)
	expect_status 2 "$1" timeout 10 "$MG_BIN" -c "$conf" serve
	took=$(($(date +%s%3N) - t0))
	one_line_error "$2" "$1 ($took ms)"
	[ "$took" -lt 5000 ] || fail "$1: it took $took ms"
}
reset() {
	rm -f "$pwfile"
	cp -p "$MG_WORK/good" "$pwfile"
}

rm -f "$pwfile"
mkfifo -m 600 "$pwfile"
refused "a FIFO" "$pwfile is not a plain file"
reset
if [ "$(id -u)" = 0 ]; then
	chown 65534:65534 "$pwfile"
	refused "another user's file" "$pwfile belongs to another user \(uid 65534\)"
	grep -q "can be read" "$MG_WORK/err" && fail "another user's file: it says 'can be read'"
	reset
else
	echo "not root: the case of another user's file is skipped"
fi
chmod 644 "$pwfile"
refused "mode 0644" "$pwfile can be read by other users \(mode 0644\)"
reset
mv "$pwfile" "$MG_WORK/real"
ln -s "$MG_WORK/real" "$pwfile"
refused "a symbolic link" "$pwfile is a symbolic link"
rm -f "$pwfile"
printf 'short-pw\n' >"$pwfile"
chmod 600 "$pwfile"
refused "a short password" "$pwfile holds a password of 8 characters"
reset

# A state folder that others may change: a warning, then serve runs.
chmod 777 "$dir"
: >"$MG_WORK/serve.log"
start_serve "$conf"
if grep -q "warning: other users can change the folder $dir (mode 0777" "$MG_WORK/serve.log"; then
	pass "a 0777 state folder: $(grep -m1 'warning: other users' "$MG_WORK/serve.log")"
else
	fail "no warning for a 0777 state folder: $(cat "$MG_WORK/serve.log")"
fi
stop_serve
chmod 700 "$dir"
finish
