#!/bin/sh
# parallel.sh - serve checks letters in parallel (each session on a ledger
# connection of its own) and records them in turn: letters that arrive
# at the same moment get the verdicts they would get one after the
# other.  Six letters of intent to six programs, sent at once by six
# clients, in three rounds (a new ledger each): exactly one passes, the
# other five are held by letter-of-intent ("already told"; a check that ran while the
# first was being recorded must run again); six ordinary letters to
# other programs sent alongside all pass; the ledger holds exactly the
# letters that passed.  Local mode (Maildir), Python's smtplib.

. "$MG_SRCDIR/tests/integration/lib.sh"
need python3

port=$(free_port)
SERVE_PORT=$port
trap 'stop_serve; rm -rf "$MG_WORK"' EXIT

# Twelve programs whose interviews are over, so that a letter of intent
# is in season (intent-timing) and only the one-letter rule can hold it.
/usr/bin/python3 - "$MG_WORK/programs.conf" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("programs = (\n")
    rows = []
    for i in range(12):
        rows.append(
            '  { id = "p%02d"; name = "Program %s Medical Genetics Residency";'
            ' institution = "University %s"; addresses = [ "res@p%02d.edu" ];'
            ' domains = [ "p%02d.edu" ];'
            ' contacts = ( { role = "director"; name = "Alex Director%s"; } );'
            ' interview_date = "2026-10-01"; }'
            % (i, chr(65 + i) * 3, chr(65 + i) * 3, i, i, chr(65 + i)))
    f.write(",\n".join(rows) + "\n);\n")
EOF

mkconf() { # mkconf STATEDIR
	cat >"$MG_WORK/matchguard.conf" <<EOF
identity = { name = "Priya Raman"; addresses = [ "priya.raman@example.com" ]; };
season = { eras_open = "2026-09-24"; rol_deadline = "2027-03-03";
           match_day = "2027-03-19"; };
paths = { filters = "$MG_SRCDIR/filters"; state = "$1"; };
smtp = { listen = [ "127.0.0.1:$port" ]; greet_pause = 0; on_hold = "queue"; };
upstream = { type = "maildir"; path = "$1/sent"; };
@include "programs.conf"
EOF
}

# send_round: 12 clients at once; prints one line per letter:
# "intent|other passed|held RULES".
send_round() {
	/usr/bin/python3 - "$port" <<'EOF'
import smtplib, sys, threading, time
port = int(sys.argv[1])
now = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
def letter(i, intent):
    L = chr(65 + i) * 3
    if intent:
        subj = "Letter of intent - Priya Raman"
        body = ("After much reflection since my interview, I am writing to let "
                "you know that the Program %s Medical Genetics Residency is my "
                "first choice, and I will rank Program %s first on my rank "
                "order list.\r\n\r\nThe clinics and the people I met at "
                "University %s make it the place where I want to train.\r\n"
                % (L, L, L))
    else:
        subj = "An update on my application"
        body = ("Since my interview for the Program %s Medical Genetics "
                "Residency, our case report on a family with a rare "
                "metabolic disorder was accepted for publication, and I "
                "wanted University %s to have the news.\r\n" % (L, L))
    return ("From: Priya Raman <priya.raman@example.com>\r\n"
            "To: Alex Director%s <res@p%02d.edu>\r\n"
            "Subject: %s\r\nDate: %s\r\n"
            "Message-ID: <par-%d-%d-%f@example.com>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
            "\r\nDear Dr. Director%s,\r\n\r\n%s\r\nBest regards,\r\n"
            "Priya Raman, MD\r\n"
            % (chr(65 + i), i, subj, now, i, intent, time.time(),
               chr(65 + i), body))
go = threading.Barrier(12)
out = []
def one(i, intent):
    s = smtplib.SMTP("127.0.0.1", port, timeout=30)
    s.ehlo()
    s.mail("priya.raman@example.com")
    s.rcpt("res@p%02d.edu" % i)
    go.wait()
    code, text = s.data(letter(i, intent).encode())
    s.quit()
    out.append("%s %s" % ("intent" if intent else "other",
                          text.decode(errors="replace")))
ts = [threading.Thread(target=one, args=(i, i < 6)) for i in range(12)]
for t in ts: t.start()
for t in ts: t.join()
print("\n".join(out))
EOF
}

for round in 1 2 3; do
	state="$MG_WORK/state$round"
	mkconf "$state"
	start_serve "$MG_WORK/matchguard.conf"
	send_round >"$MG_WORK/round$round" 2>&1
	stop_serve
	intents_ok=$(grep -c '^intent [0-9.]* delivered' "$MG_WORK/round$round")
	intents_held=$(grep '^intent [0-9.]* held for review' "$MG_WORK/round$round" |
	    grep -c 'already told')
	others_ok=$(grep -c '^other [0-9.]* delivered' "$MG_WORK/round$round")
	rows=$(/usr/bin/python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select count(*) from sent").fetchone()[0])' \
	    "$state/ledger.sqlite")
	if [ "$intents_ok" = 1 ] && [ "$intents_held" = 5 ] &&
	    [ "$others_ok" = 6 ] && [ "$rows" = 7 ]; then
		pass "round $round: 1 letter of intent passed, 5 held, 6 others passed, 7 rows"
	else
		fail "round $round: $intents_ok intents passed, $intents_held held for it, $others_ok others passed, $rows rows: $(cat "$MG_WORK/round$round")"
	fi
done
finish
