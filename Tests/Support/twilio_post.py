#!/usr/bin/env python3
"""Posts a webhook as Twilio sends one: form-encoded fields and X-Twilio-Signature, computed here
independently of mentor-notify by Twilio's documented algorithm (base64 of HMAC-SHA1, keyed with
the auth token, over the full URL followed by each POST field's name and value, sorted by name).

    twilio_post.py --url https://HOST/hooks/twilio/inbound --token TOKEN --cacert CERT From=+45... Body=ja

Prints the HTTP status on the first line and the body after it."""
import argparse
import base64
import hashlib
import hmac
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request


def signature(url, fields, token):
    data = url + "".join(name + value for name, value in sorted(fields))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--cacert", required=True)
    parser.add_argument("--sign-url", help="the URL to sign, when it is not the one posted to")
    parser.add_argument("fields", nargs="*")
    args = parser.parse_args()
    # Twilio's published example (www.twilio.com/docs/usage/security): its signature is known.
    example = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"),
               ("From", "+12349013030"), ("To", "+18005551212")]
    assert signature("https://mycompany.com/myapp.php?foo=1&bar=2", example, "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    fields = [tuple(f.split("=", 1)) for f in args.fields]
    request = urllib.request.Request(
        args.url, data=urllib.parse.urlencode(fields).encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "X-Twilio-Signature": signature(args.sign_url or args.url, fields, args.token),
                 "User-Agent": "TwilioProxy/1.1"})
    context = ssl.create_default_context(cafile=args.cacert)
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            print(response.status)
            print(response.read().decode())
    except urllib.error.HTTPError as error:
        print(error.code)
        print(error.read().decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
