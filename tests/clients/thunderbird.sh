#!/bin/sh
# thunderbird.sh - what a Thunderbird user sees at Send when matchguard
# holds the letter, under each smtp.on_hold mode.  Outside `make check`
# (Thunderbird is large, and its first start takes about a minute):
#
#	MG_BIN=src/matchguard MG_SRCDIR=. tests/clients/thunderbird.sh [OUTDIR]
#
# Thunderbird under Xvfb, a throwaway profile whose outgoing server is
# serve (127.0.0.1, no TLS, no login), composes a letter with a template
# slot ("Dear Dr. [Last Name]") and sends it with ctrl+Return.  For each
# mode the script records whether the compose window stayed open (an
# error dialog: "Sending of the message failed ... The mail server
# responded: TEXT") or closed (the letter filed as sent), whether the
# letter waits in the queue, and saves a screenshot OUTDIR/MODE.png.
# Needs thunderbird, xvfb (Xvfb), xdotool and imagemagick (import); exits
# 77 when one is missing.
#
# Seen (Thunderbird 153, Debian 12):
#   reject-and-queue (the default): the window stays open; the dialog
#     shows every line of the 550 ("NOT SENT, held for review: ...", the
#     other problems, the fix, the held copy's ID); the letter waits in
#     the queue.
#   queue: the window closes as if the letter were sent; only the INBOX
#     notice says otherwise.
#   reject: the window stays open with the first finding; no copy kept.

. "$MG_SRCDIR/tests/integration/lib.sh"
for t in thunderbird Xvfb xdotool import; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed"; exit 77; }
done
OUT=${1:-$MG_WORK/shots}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TB_PID= X_PID=
trap 'stop_serve; [ -n "$TB_PID" ] && kill $TB_PID 2>/dev/null; [ -n "$X_PID" ] && kill $X_PID 2>/dev/null; rm -rf "$MG_WORK"' EXIT

# A free display number.
for d in $(seq 70 99); do
	[ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ] || break
done
Xvfb ":$d" -screen 0 1280x900x24 -nolisten tcp >"$MG_WORK/xvfb.log" 2>&1 &
X_PID=$!
export DISPLAY=":$d"
sleep 1

SERVE_PORT=$(free_port)
P="$MG_WORK/profile"
mkdir -p "$P/Mail/Local Folders"
# Local Folders and a never-polled POP3 account that carries the identity
# (with Local Folders alone, -compose opens nothing).
cat >"$P/user.js" <<JS
user_pref("mail.accountmanager.accounts", "account2,account1");
user_pref("mail.accountmanager.defaultaccount", "account2");
user_pref("mail.accountmanager.localfoldersserver", "server1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.account.account2.identities", "id1");
user_pref("mail.server.server2.type", "pop3");
user_pref("mail.server.server2.hostname", "127.0.0.1");
user_pref("mail.server.server2.port", 9);
user_pref("mail.server.server2.userName", "priya");
user_pref("mail.server.server2.name", "dummy-pop");
user_pref("mail.server.server2.login_at_startup", false);
user_pref("mail.server.server2.check_new_mail", false);
user_pref("mail.server.server2.download_on_biff", false);
user_pref("mail.server.server2.deferred_to_account", "account1");
user_pref("mail.server.server2.directory-rel", "[ProfD]Mail/dummy-pop");
user_pref("mail.server.server1.type", "none");
user_pref("mail.server.server1.hostname", "Local Folders");
user_pref("mail.server.server1.userName", "nobody");
user_pref("mail.server.server1.name", "Local Folders");
user_pref("mail.server.server1.directory-rel", "[ProfD]Mail/Local Folders");
user_pref("mail.identity.id1.fullName", "Priya Raman");
user_pref("mail.identity.id1.useremail", "priya.raman@example.com");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.fcc", false);
user_pref("mail.identity.id1.valid", true);
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtp.defaultserver", "smtp1");
user_pref("mail.smtpserver.smtp1.hostname", "127.0.0.1");
user_pref("mail.smtpserver.smtp1.port", $SERVE_PORT);
user_pref("mail.smtpserver.smtp1.authMethod", 1);
user_pref("mail.smtpserver.smtp1.try_ssl", 0);
user_pref("mail.smtpserver.smtp1.username", "");
user_pref("mail.provider.enabled", false);
user_pref("mail.shell.checkDefaultClient", false);
user_pref("mailnews.start_page.enabled", false);
user_pref("mail.rights.version", 1);
user_pref("mail.warn_on_send_accel_key", false);
user_pref("mail.spellcheck.inline", false);
user_pref("app.update.enabled", false);
user_pref("app.update.auto", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
JS

conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
for mode in reject-and-queue queue reject; do
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e "s/on_hold = \"reject-and-queue\";/on_hold = \"$mode\";/" \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	rm -rf "$XDG_STATE_HOME"
	start_serve "$conf"
	subj="Update from Priya in mode $mode"
	thunderbird -no-remote -profile "$P" -compose "to='genetics.residency@pinecrest.org',subject='$subj',body='Dear Dr. [Last Name], I remain very interested in your residency program and my case report was accepted this week. Priya Raman'" \
	    >"$MG_WORK/tb.log" 2>&1 &
	TB_PID=$!
	W=
	for _ in $(seq 240); do
		W=$(xdotool search --name "^Write: $subj" 2>/dev/null | head -1)
		[ -n "$W" ] && break
		sleep 0.5
	done
	if [ -z "$W" ]; then
		fail "$mode: no compose window: $(tail -3 "$MG_WORK/tb.log")"
	else
		sleep 1
		xdotool windowfocus --sync "$W"
		xdotool key ctrl+Return
		seen="no answer"
		for _ in $(seq 60); do
			if xdotool search --name "Send Message Error" >/dev/null 2>&1 ||
			    xdotool search --name "Sending of the message failed" >/dev/null 2>&1; then
				seen="error dialog, compose window open"
				break
			fi
			xdotool search --name "^Write: $subj" >/dev/null 2>&1 ||
			    { seen="compose window closed (as if sent)"; break; }
			sleep 0.25
		done
		sleep 1
		import -window root "$OUT/$mode.png"
		n=$("$MG_BIN" -c "$conf" queue | grep -c '^[0-9]\{8\}-')
		pass "$mode: $seen; $n letter(s) in the queue; $OUT/$mode.png"
		case "$mode" in
		reject-and-queue)
			[ "$seen" = "error dialog, compose window open" ] && [ "$n" = 1 ] ||
			    fail "$mode: the user must see the error and a copy must wait" ;;
		queue)
			[ "$n" = 1 ] || fail "$mode: no copy in the queue" ;;
		reject)
			[ "$seen" = "error dialog, compose window open" ] && [ "$n" = 0 ] ||
			    fail "$mode: the user must see the error, and no copy be kept" ;;
		esac
	fi
	kill "$TB_PID" 2>/dev/null
	wait "$TB_PID" 2>/dev/null
	TB_PID=
	stop_serve
done
finish
