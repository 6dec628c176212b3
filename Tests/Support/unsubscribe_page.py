#!/usr/bin/env python3
"""The one-click unsubscribe page as a person meets it: opened in headless Chromium (Debian's
`chromium`) at a phone's size, with a screenshot saved; its HTML read by html5lib (the WHATWG
parsing algorithm, strict: a parse error fails); the form posted as a browser posts it.

    unsubscribe_page.py --url https://127.0.0.1:PORT/u/TOKEN --cert CERT --screenshot PNG --profile DIR

The certificate is trusted by its public key hash only (--ignore-certificate-errors-spki-list), as
Chromium's documentation suggests for a test server. Prints one JSON object with what it found;
exits 1 when the page breaks a rule (a parse error, a script, an outside resource, no form)."""
import argparse
import base64
import hashlib
import json
import os
import ssl
import subprocess
import sys
import urllib.parse
import urllib.request

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"


def spki_hash(cert):
    der = subprocess.run(
        ["openssl", "x509", "-in", cert, "-noout", "-pubkey"], check=True, capture_output=True
    ).stdout
    key = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"], input=der, check=True, capture_output=True
    ).stdout
    return base64.b64encode(hashlib.sha256(key).digest()).decode()


def chromium(args, *extra):
    command = [
        "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
        "--disable-extensions", "--disable-background-networking", f"--user-data-dir={args.profile}",
        f"--ignore-certificate-errors-spki-list={spki_hash(args.cert)}", "--window-size=390,844", *extra, args.url,
    ]
    return subprocess.run(command, capture_output=True, timeout=60)


def parse(html):
    """The document by the WHATWG algorithm; strict, so any parse error raises."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(html)


def text(element):
    return " ".join("".join(element.itertext()).split()) if element is not None else None


def examine(document, url):
    root = document
    found = {
        "lang": root.get("lang"),
        "title": text(root.find(f"{NS}head/{NS}title")),
        "h1": text(root.find(f".//{NS}h1")),
        "paragraphs": [text(p) for p in root.iter(f"{NS}p")],
        "viewport": any(m.get("name") == "viewport" for m in root.iter(f"{NS}meta")),
        "scripts": len(list(root.iter(f"{NS}script"))),
        "external": [],
        "forms": [],
    }
    for element in root.iter():
        for attribute in ("src", "href", "action", "srcset", "poster", "data"):
            value = element.get(attribute)
            if value and urllib.parse.urlparse(urllib.parse.urljoin(url, value)).netloc != urllib.parse.urlparse(url).netloc:
                found["external"].append(f"{element.tag}[{attribute}]={value}")
        if element.tag in (f"{NS}style",) and "url(" in (element.text or ""):
            found["external"].append("style url()")
        if element.get("style") and "url(" in element.get("style"):
            found["external"].append("inline style url()")
    for form in root.iter(f"{NS}form"):
        fields = [(i.get("name"), i.get("value") or "") for i in form.iter(f"{NS}input") if i.get("name")]
        buttons = [text(b) for b in form.iter(f"{NS}button")]
        found["forms"].append({
            "method": (form.get("method") or "get").lower(),
            "action": urllib.parse.urljoin(url, form.get("action") or ""),
            "fields": fields,
            "buttons": buttons,
        })
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--profile", required=True)
    args = parser.parse_args()
    context = ssl.create_default_context(cafile=args.cert)

    # What the server sends, parsed strictly.
    with urllib.request.urlopen(args.url, context=context, timeout=10) as response:
        headers = dict(response.headers)
        page = examine(parse(response.read()), args.url)
    page["csp"] = headers.get("Content-Security-Policy")
    page["contentType"] = headers.get("Content-Type")

    # What Chromium makes of it: the DOM it built, and a picture at a phone's size.
    os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
    shot = chromium(args, f"--screenshot={os.path.abspath(args.screenshot)}")
    page["screenshotBytes"] = os.path.getsize(args.screenshot) if os.path.exists(args.screenshot) else 0
    with open(args.screenshot, "rb") as f:
        page["screenshotIsPNG"] = f.read(8) == b"\x89PNG\r\n\x1a\n"
    dom = chromium(args, "--dump-dom")
    rendered = html5lib.parse(dom.stdout.decode("utf-8", "replace"))
    page["chromiumH1"] = text(rendered.find(f".//{NS}h1"))
    page["chromiumExit"] = [shot.returncode, dom.returncode]

    # The form posted as the browser would post it.
    form = page["forms"][0] if page["forms"] else None
    if form:
        body = urllib.parse.urlencode(form["fields"]).encode()
        request = urllib.request.Request(
            form["action"], data=body, method=form["method"].upper(),
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            page["postStatus"] = response.status
            answer = examine(parse(response.read()), args.url)
            page["postH1"] = answer["h1"]
            page["postParagraphs"] = answer["paragraphs"]
            page["postForms"] = len(answer["forms"])
    print(json.dumps(page, ensure_ascii=False))
    broken = page["scripts"] or page["external"] or not form or not page["viewport"] or not page["screenshotIsPNG"]
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
