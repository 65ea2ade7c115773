#!/bin/sh
# milter-local.sh - what another user of the computer can do to
# matchguard milter, without a mail server: its unix socket is
# srw-rw---- whatever the umask (others cannot connect); an applicants
# folder others may write, an applicant's folder or matchguard.conf that
# is a symbolic link, writable by others or (as root) another user's, is
# refused at start with one line naming it.

. "$MG_SRCDIR/tests/integration/lib.sh"
. "$MG_SRCDIR/tests/integration/milter_lib.sh"

MILTER_PID=
trap '[ -n "$MILTER_PID" ] && stop_milter "$MILTER_PID"; rm -rf "$MG_WORK"' EXIT
O="$MG_WORK/office"
mk_office "$O" "$(free_port)" quarantine priya
sock="$MG_WORK/milter.sock"
sed -i "s#^  listen = .*#  listen = \"unix:$sock\";#" "$O/matchguard.conf"

# The socket, made under a permissive umask.
(umask 0; exec "$MG_BIN" -c "$O/matchguard.conf" milter) 2>>"$MG_WORK/milter.log" &
MILTER_PID=$!
for _ in $(seq 50); do
	[ -S "$sock" ] && break
	sleep 0.1
done
mode=$(stat -c %a "$sock" 2>/dev/null)
[ "$mode" = 660 ] && pass "the milter's unix socket is 0660 under umask 0" ||
    fail "the milter's unix socket is mode ${mode:-missing}: $(cat "$MG_WORK/milter.log")"
stop_milter "$MILTER_PID"
MILTER_PID=

# refused WHAT PATTERN: the milter does not start, and says why in one line.
refused() {
	expect_status 2 "$1" timeout 10 "$MG_BIN" -c "$O/matchguard.conf" milter
	one_line_error "$2" "$1: the refusal names it"
}

chmod 777 "$O/applicants"
refused "an applicants folder anyone may write" \
    "applicants is mode 777: other users could add or change an applicant"
chmod 755 "$O/applicants"

chmod 666 "$O/applicants/priya/matchguard.conf"
refused "an applicant's matchguard.conf anyone may write" \
    "priya/matchguard.conf is mode 666"
chmod 644 "$O/applicants/priya/matchguard.conf"

mv "$O/applicants/priya" "$MG_WORK/elsewhere"
ln -s "$MG_WORK/elsewhere" "$O/applicants/priya"
refused "an applicant's folder that is a symbolic link" \
    "applicants/priya is a symbolic link"
rm "$O/applicants/priya"
mv "$MG_WORK/elsewhere" "$O/applicants/priya"

mv "$O/applicants/priya/matchguard.conf" "$MG_WORK/other.conf"
ln -s "$MG_WORK/other.conf" "$O/applicants/priya/matchguard.conf"
refused "an applicant's matchguard.conf that is a symbolic link" \
    "priya/matchguard.conf is a symbolic link"
rm "$O/applicants/priya/matchguard.conf"
mv "$MG_WORK/other.conf" "$O/applicants/priya/matchguard.conf"

if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	chown nobody "$O/applicants/priya"
	refused "an applicant's folder of another user" \
	    "applicants/priya belongs to another user"
	chown 0 "$O/applicants/priya"
else
	echo "(not root: the folder of another user is not tried)"
fi

# As it was, it starts.
"$MG_BIN" -c "$O/matchguard.conf" milter 2>>"$MG_WORK/milter.log" &
MILTER_PID=$!
for _ in $(seq 50); do
	[ -S "$sock" ] && break
	sleep 0.1
done
[ -S "$sock" ] && pass "with the folders made safe again, it starts" ||
    fail "the milter did not start again: $(tail -2 "$MG_WORK/milter.log")"
finish
