#!/usr/bin/env python3
"""A leader's desk session for the webhooks benchmark, made as a browser makes it: the sign-in link
`mentor-notify desk link` printed is opened on the daemon's listen address, and its one form (the
button) is posted back with its hidden fields and our Origin. Prints the Cookie header value.

    desk_session.py LINK LISTEN_URL
"""
import html.parser
import sys
import urllib.error
import urllib.parse
import urllib.request


class Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if tag == "form":
            self.forms.append({"action": attributes.get("action") or "", "method": attributes.get("method") or "get",
                               "fields": []})
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1]["fields"].append((attributes["name"], attributes.get("value") or ""))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def main():
    link, listen = sys.argv[1], sys.argv[2].rstrip("/")
    public = urllib.parse.urlparse(link)
    origin = f"{public.scheme}://{public.netloc}"
    local = listen + public.path
    jar = {}

    def keep(headers):
        for name, value in headers.items():
            if name.lower() == "set-cookie":
                key, _, rest = value.split(";", 1)[0].partition("=")
                jar[key] = rest

    with urllib.request.urlopen(local, timeout=10) as response:
        keep(response.headers)
        page = Forms()
        page.feed(response.read().decode("utf-8"))
    form = next(f for f in page.forms if f["method"].lower() == "post")
    action = urllib.parse.urljoin(local, form["action"])
    request = urllib.request.Request(
        action, data=urllib.parse.urlencode(form["fields"]).encode(), method="POST",
        headers={"Origin": origin, "Content-Type": "application/x-www-form-urlencoded",
                 "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=10)
    except urllib.error.HTTPError as answer:  # the 303 after signing in
        response = answer
    before = dict(jar)
    keep(response.headers)
    if jar == before:
        sys.exit(f"desk_session: no session cookie (status {response.status})")
    # The cookies a browser would now send (a cookie set empty is gone).
    print("; ".join(f"{k}={v}" for k, v in jar.items() if v))


if __name__ == "__main__":
    main()
