# imap_lib.sh - a throwaway Dovecot for the IMAP tests (sourced after
# lib.sh).  Debian's dovecot-imapd, on free loopback ports, with its own
# configuration, run directory and Maildirs under $MG_WORK/dovecot; one
# user "priya" with the password "secret".  As root (which is how the
# tests run in CI) Dovecot wants an unprivileged login user (dovenull),
# an internal user (dovecot) and a mail uid that is not 0 (dovecot).
#
#   need_dovecot            skip (77) unless dovecot can run here
#   start_dovecot [tls]     $IMAP_PORT (plain/STARTTLS), and with tls
#                           $IMAPS_PORT (implicit TLS) with the test CA of
#                           mkca.sh in $MG_WORK/ca
#   stop_dovecot
#   imapctl ARGS...         tests/integration/imapctl.py

DV="$MG_WORK/dovecot"
DV_MAILDIR="$DV/mail/priya/Maildir"
DV_TLS=

need_dovecot() {
	DOVECOT=$(command -v dovecot || echo /usr/sbin/dovecot)
	[ -x "$DOVECOT" ] || { echo "SKIP: dovecot (dovecot-imapd) not installed"; exit 77; }
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: the Dovecot tests run as root"; exit 77; }
	id dovecot >/dev/null 2>&1 && id dovenull >/dev/null 2>&1 ||
	    { echo "SKIP: no dovecot/dovenull users"; exit 77; }
	need python3
	need openssl
}

dv_config() {
	cat >"$DV/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $DV/run
state_dir = $DV/state
log_path = $DV/dovecot.log
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$DV/mail/%u
}
mail_location = maildir:~/Maildir
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 0
CONF
	if [ -n "$DV_TLS" ]; then
		cat >>"$DV/dovecot.conf" <<CONF
ssl = yes
ssl_cert = <$MG_WORK/ca/server.pem
ssl_key = <$MG_WORK/ca/server.key
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
CONF
	else
		cat >>"$DV/dovecot.conf" <<CONF
ssl = no
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
CONF
	fi
}

# dv_run: start with the current ports; 0 once it answers.
dv_run() {
	"$DOVECOT" -c "$DV/dovecot.conf" 2>>"$DV/start.err" || return 1
	for _ in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $IMAP_PORT), 1)" \
		    2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

start_dovecot() {
	DV_TLS=${1:-}
	# The mail user must reach the Maildir under $MG_WORK (0700).
	chmod 755 "$MG_WORK"
	mkdir -p "$DV/run" "$DV/state" "$DV_MAILDIR/cur" "$DV_MAILDIR/new" \
	    "$DV_MAILDIR/tmp"
	chown -R dovecot:dovecot "$DV/mail"
	if [ -n "$DV_TLS" ] && [ ! -f "$MG_WORK/ca/ca.pem" ]; then
		sh "$MG_SRCDIR/tests/integration/mkca.sh" "$MG_WORK/ca" >/dev/null 2>&1 ||
		    { echo "mkca.sh failed" >&2; exit 99; }
		chmod 644 "$MG_WORK/ca/"*.pem
	fi
	for _ in 1 2 3; do
		IMAP_PORT=$(free_port)
		IMAPS_PORT=$(free_port)
		dv_config
		dv_run && return 0
		stop_dovecot
	done
	echo "cannot start dovecot: $(cat "$DV/start.err" "$DV/dovecot.log" 2>/dev/null)" >&2
	exit 99
}

stop_dovecot() {
	if [ -f "$DV/run/master.pid" ]; then
		pid=$(cat "$DV/run/master.pid")
		kill "$pid" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		rm -f "$DV/run/master.pid"
	fi
}

# restart_dovecot: the same ports and mail, a new master.
restart_dovecot() {
	stop_dovecot
	dv_run || { echo "cannot restart dovecot: $(tail -5 "$DV/dovecot.log")" >&2; exit 99; }
}

imapctl() {
	python3 "$MG_SRCDIR/tests/integration/imapctl.py" "$@"
}

# deliver FOLDER DATE FILE [FLAGS]: APPEND a message as another client would.
deliver() {
	imapctl append "$IMAP_PORT" "$@" || fail "could not APPEND $3 to $1"
}

# chown_mail: after writing into the Maildir by hand.
chown_mail() {
	chown -R dovecot:dovecot "$DV/mail"
}
