#!/usr/bin/env python3
"""A real Postfix for the tests: a private instance (its own main.cf, master.cf, queue and data
folders in a temporary directory), listening on a free loopback port, started with
`postfix -c DIR start-fg` and stopped when the test closes our stdin. It never delivers anywhere:
mail it accepts is discarded, except to `lokal.example.dk`, its own domain, where it has no users:
it takes such mail and then bounces it, with a real DSN from its local(8) ("unknown user").

It refuses the way a submission relay does, and only at RCPT (Postfix's smtpd_delay_reject=yes):
  - reject_non_fqdn_helo_hostname: a short EHLO name gets "504 5.5.2 <name>: Helo command rejected";
  - reject_sender_login_mismatch: a sender that --owned-sender says belongs to the login `mentor`
    (password `hemmelig`, checked by Dovecot's SASL), sent without that login, gets
    "553 5.7.1 <address>: Sender address rejected: not logged in".

Options: --owned-sender ADDRESS (repeatable); --dsn-port PORT sends mail for example.dk (the
bounces, DSNs, to our envelope sender among it) to an SMTP server on that loopback port
(smtp_server.py), so a test can read them.
Prints "READY <port>"; "FAILED <why>" when Postfix cannot run here. Needs root (Postfix's master
starts as root and its daemons drop to the `postfix` user).
"""
import argparse
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

from server_process import free_port, serve, stop

MASTER_CF = """\
{port}      inet  n       -       n       -       -       smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""

MAIN_CF = """\
compatibility_level = 3.6
config_directory = {root}/etc
queue_directory = {root}/queue
data_directory = {root}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.example.test
mydomain = example.test
myorigin = $myhostname
mydestination = lokal.example.dk
local_recipient_maps =
alias_maps =
alias_database =
relay_domains =
mynetworks = 127.0.0.0/8
inet_interfaces = loopback-only
inet_protocols = ipv4
maillog_file = {root}/maillog
maillog_file_prefixes = {root}
smtpd_banner = $myhostname ESMTP
smtpd_delay_reject = yes
smtpd_helo_required = yes
smtpd_helo_restrictions = reject_non_fqdn_helo_hostname
smtpd_sender_login_maps = texthash:{root}/etc/sender_logins
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = {root}/dovecot/auth
smtpd_sender_restrictions = reject_sender_login_mismatch
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_host_lookup = native
disable_dns_lookups = yes
default_transport = discard:accepted by the test relay
transport_maps = texthash:{root}/etc/transport
notify_classes =
biff = no
"""


DOVECOT_CONF = """\
base_dir = {base}/run
state_dir = {base}
log_path = {base}/dovecot.log
protocols =
default_login_user = dovenull
default_internal_user = dovecot
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}}
service auth {{
  unix_listener {base}/auth {{
    mode = 0666
  }}
}}
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--owned-sender", action="append", default=[])
    parser.add_argument("--dsn-port", type=int)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("FAILED Postfix's master must start as root; run the tests as root", flush=True)
        return 1
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        print("FAILED there is no postfix user; run scripts/deps.sh test (installs postfix)", flush=True)
        return 1
    postfix = shutil.which("postfix") or "/usr/sbin/postfix"
    if not os.path.exists(postfix):
        print("FAILED postfix is not installed; run scripts/deps.sh test", flush=True)
        return 1
    root = tempfile.mkdtemp(prefix="mentor-postfix-")
    # Postfix's daemons run as `postfix` and must reach the queue below this folder.
    os.chmod(root, 0o755)
    etc = os.path.join(root, "etc")
    os.makedirs(etc)
    # `postfix check` makes the folders below the queue, but not the queue itself.
    os.makedirs(os.path.join(root, "queue"))
    port = free_port()
    with open(os.path.join(etc, "main.cf"), "w") as f:
        f.write(MAIN_CF.format(root=root))
    with open(os.path.join(etc, "master.cf"), "w") as f:
        f.write(MASTER_CF.format(port=f"127.0.0.1:{port}"))
    with open(os.path.join(etc, "sender_logins"), "w") as f:
        for address in args.owned_sender:
            f.write(f"{address} mentor\n")
    with open(os.path.join(etc, "transport"), "w") as f:
        if args.dsn_port:
            f.write(f"example.dk smtp:[127.0.0.1]:{args.dsn_port}\n")
    dovecot = start_dovecot(os.path.join(root, "dovecot"))
    if isinstance(dovecot, str):
        print("FAILED " + dovecot, flush=True)
        shutil.rmtree(root, ignore_errors=True)
        return 1
    # Creates the queue and data folders with their owners and modes; quiet unless it fails.
    try:
        check = subprocess.run([postfix, "-c", etc, "check"], capture_output=True, text=True)
        if check.returncode != 0:
            # Postfix logs to the maillog file (or syslog), not to a pipe: its words are there.
            print("FAILED postfix check: " + maillog(root), flush=True)
            return 1
        return serve([postfix, "-c", etc, "start-fg"], port)
    finally:
        # The master outlives the `postfix` command that started it: stopped by its pid file.
        subprocess.run([postfix, "-c", etc, "abort"], capture_output=True, timeout=30)
        stop(dovecot)
        shutil.rmtree(root, ignore_errors=True)


def start_dovecot(base):
    """Dovecot with no mail protocol, only its SASL service for Postfix (the Debian way to give
    Postfix logins): one user, `mentor`. Returns the process, or why it could not start."""
    if not shutil.which("dovecot"):
        return "dovecot is not installed; run scripts/deps.sh test"
    os.makedirs(os.path.join(base, "run"))
    with open(os.path.join(base, "users"), "w") as f:
        f.write("mentor:{PLAIN}hemmelig::::::\n")
    conf = os.path.join(base, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(DOVECOT_CONF.format(base=base))
    process = subprocess.Popen(["dovecot", "-F", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 15
    while not os.path.exists(os.path.join(base, "auth")):
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            return "dovecot (SASL for Postfix) did not start: " + process.stderr.read().decode(errors="replace")
        time.sleep(0.05)
    return process


def maillog(root):
    try:
        with open(os.path.join(root, "maillog"), errors="replace") as f:
            return f.read()[-2000:].replace("\n", " ")
    except OSError:
        return "(no maillog)"


if __name__ == "__main__":
    sys.exit(main())
