# milter_lib.sh - a throwaway Postfix on loopback with the matchguard
# milter, for tests/integration/milter.sh and bench/milter (sourced after
# lib.sh).  Needs root (Postfix runs its daemons as the postfix user).

# day OFFSET: the date OFFSET days from today, year-month-day.
day() {
	date -u -d "$1 days" +%Y-%m-%d
}

# mk_office DIR PORT ON_HOLD APPLICANT...: an office's configuration
# DIR/matchguard.conf with a milter on inet:PORT@127.0.0.1, its shared
# DIR/programs.conf, and one folder per applicant ID (identity
# ID@applicants.test), each with its own state.  The season is around
# today, so that the rules of timing hold whenever the test runs.
mk_office() {
	d=$1 port=$2 on_hold=$3
	shift 3
	mkdir -p "$d/applicants"
	cat >"$d/matchguard.conf" <<CF
milter = {
  listen = "inet:$port@127.0.0.1";
  applicants = "applicants";
  on_hold = "$on_hold";
  max_sessions = 32;
};
CF
	cat >"$d/programs.conf" <<CF
programs = (
  { id = "harborview"; name = "Harborview University Medical Genetics Residency";
    institution = "Harborview University";
    addresses = [ "genetics-residency@harborview.edu" ]; domains = [ "harborview.edu" ];
    contacts = ( { role = "director"; name = "Elena Marchetti"; } );
    interview_date = "$(day -20)"; },
  { id = "cordillera"; name = "Cordillera Health Medical Genetics Residency";
    institution = "Cordillera Health";
    addresses = [ "genetics@cordillerahealth.org" ]; domains = [ "cordillerahealth.org" ];
    contacts = ( { role = "director"; name = "Martin Alvarez"; } );
    interview_date = "$(day -30)"; },
  { id = "northgate"; name = "Northgate University Medical Genetics and Genomics Residency";
    institution = "Northgate University";
    addresses = [ "mggresidency@northgate.edu" ]; domains = [ "northgate.edu" ];
    contacts = ( { role = "director"; name = "Hannah Feldman"; } ); }
);
CF
	for a in "$@"; do
		mkdir -p "$d/applicants/$a"
		cat >"$d/applicants/$a/matchguard.conf" <<CF
identity = { name = "$a"; addresses = [ "$a@applicants.test" ]; };
season = { eras_open = "$(day -70)"; rol_deadline = "$(day 60)";
  match_day = "$(day 75)"; };
paths = { state = "state"; filters = "$MG_SRCDIR/filters";
  programs = "../../programs.conf"; };
CF
	done
	# (The milter refuses applicants other users could change.)
	chmod -R go-w "$d/applicants"
}

# start_milter CONF LOG PORT: matchguard milter in the background
# ($MILTER_PID), until it listens on PORT.
start_milter() {
	"$MG_BIN" -c "$1" milter 2>>"$2" &
	MILTER_PID=$!
	wait_listen "$3" "$MILTER_PID" && return 0
	echo "milter did not start: $(cat "$2")" >&2
	exit 99
}

# stop_milter PID: SIGTERM, and wait (libmilter takes a few seconds).
stop_milter() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# mk_postfix BASE SMTPPORT SINKPORT MILTERPORT [SMTPPORT2 MILTERS2]:
# a private Postfix instance (config BASE/etc) on 127.0.0.1:SMTPPORT with
# the milter at MILTERPORT, relaying everything to the sink; the second
# pair adds a listener with smtpd_milters = MILTERS2 ("" for none).
mk_postfix() {
	base=$1
	mkdir -p "$base/etc" "$base/queue" "$base/data"
	cat >"$base/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $base/queue
data_directory = $base/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.test.invalid
mydomain = test.invalid
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relayhost = [127.0.0.1]:$3
default_transport = smtp
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtpd_milters = inet:127.0.0.1:$4
non_smtpd_milters = \$smtpd_milters
milter_default_action = tempfail
milter_protocol = 6
maillog_file_prefixes = /var, /dev/stdout, /tmp
maillog_file = $base/postfix.log
biff = no
default_process_limit = 32
CF
	{
		echo "127.0.0.1:$2 inet n - n - - smtpd"
		[ $# -ge 6 ] && printf '127.0.0.1:%s inet n - n - - smtpd\n  -o smtpd_milters=%s\n' "$5" "$6"
		cat <<CF
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
CF
	} >"$base/etc/master.cf"
	chown -R root:root "$base/etc" "$base/queue"
	chown postfix:postfix "$base/data"
	chmod 755 "$base" "$base/etc" "$base/queue"
	postfix -c "$base/etc" check 2>>"$base/postfix.err" &&
	    postfix -c "$base/etc" start 2>>"$base/postfix.err" || {
		echo "postfix did not start: $(cat "$base/postfix.err" "$base/postfix.log" 2>/dev/null)" >&2
		exit 99
	}
	wait_listen "$2" && return 0
	echo "postfix does not listen on $2: $(cat "$base/postfix.log")" >&2
	exit 99
}

stop_postfix() {
	postfix -c "$1/etc" stop >/dev/null 2>&1
}
