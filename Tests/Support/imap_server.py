#!/usr/bin/env python3
"""A real IMAP server for the tests: Dovecot (Debian dovecot-imapd) with its own config in --dir,
on a free loopback port. Prints "READY <port>" when it accepts connections, and stops Dovecot when
its stdin closes.

One user (--user, --password) with a Maildir at DIR/mail/USER/Maildir: a test delivers a message
as a mail server would, by writing it into tmp/ and renaming it into new/. --tls CERT KEY enables
TLS: STARTTLS on the plain port, or implicit TLS with --imaps.
"""
import argparse
import os
import pwd
import sys

from server_process import free_port, serve



def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--user", default="svar")
    parser.add_argument("--password", default="hemmelig")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--imaps", action="store_true")
    args = parser.parse_args()

    base = os.path.abspath(args.dir)
    for sub in ("run", "mail", "state"):
        os.makedirs(os.path.join(base, sub), exist_ok=True)
    maildir = os.path.join(base, "mail", args.user, "Maildir")
    for sub in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)

    # Dovecot will not run its login or mail processes as root: as root, the accounts the Debian
    # package made (dovenull, dovecot) run them, and the mail belongs to dovecot.
    if os.getuid() == 0:
        login_user, internal_user, mail_user = "dovenull", "dovecot", "dovecot"
    else:
        me = pwd.getpwuid(os.getuid()).pw_name
        login_user = internal_user = mail_user = me
    owner = pwd.getpwnam(mail_user)
    for root, dirs, files in os.walk(os.path.join(base, "mail")):
        for name in [root] + [os.path.join(root, d) for d in dirs] + [os.path.join(root, f) for f in files]:
            os.chown(name, owner.pw_uid, owner.pw_gid)
    os.chmod(base, 0o755)

    with open(os.path.join(base, "users"), "w") as f:
        f.write(f"{args.user}:{{PLAIN}}{args.password}::::::\n")

    port = free_port()
    listeners = (
        f"inet_listener imap {{\n    port = 0\n  }}\n  inet_listener imaps {{\n    port = {port}\n    ssl = yes\n  }}"
        if args.imaps
        else f"inet_listener imap {{\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}"
    )
    ssl_lines = "ssl = no\n"
    if args.tls:
        ssl_lines = f"ssl = yes\nssl_cert = <{os.path.abspath(args.tls[0])}\nssl_key = <{os.path.abspath(args.tls[1])}\n"
        if os.path.exists("/usr/share/dovecot/dh.pem"):
            ssl_lines += "ssl_dh = </usr/share/dovecot/dh.pem\n"
    config = f"""
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_login_user = {login_user}
default_internal_user = {internal_user}
disable_plaintext_auth = no
auth_mechanisms = plain login
# A refused login answers at once (Dovecot waits 2 s by default): the tests need no brute-force guard.
auth_failure_delay = 0
{ssl_lines}
mail_location = maildir:~/Maildir
mail_uid = {owner.pw_uid}
mail_gid = {owner.pw_gid}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={base}/mail/%u
}}
service imap-login {{
  {listeners}
}}
service anvil {{
  chroot =
  # No growing penalty per IP after refused logins: the tests refuse logins on purpose.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  chroot =
}}
"""
    conf = os.path.join(base, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(config)
    return serve(["dovecot", "-F", "-c", conf], port)


if __name__ == "__main__":
    sys.exit(main())
