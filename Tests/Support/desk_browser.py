#!/usr/bin/env python3
"""The leader's desk as a leader meets it: headless Chromium (devtools_pipe.py) through nginx with
TLS, against a running `mentor-notify run` (SPEC.md "The leader's desk").

    desk_browser.py --base https://127.0.0.1:PORT --cert CERT --profile DIR --mail DIR --shots DIR
                    --leader EMAIL --stranger EMAIL --mentee-name NAME --mentee-id ID --pair-id ID
                    --new-phone "12 34 56 78" --bad-phone 12 --meeting-at 2026-12-08T16:00
                    --other-pair ID --other-person ID --forged-phone "66 66 66 66" --sms-log FILE

The flow: /desk/ sends us to the sign-in form; a stranger's address and the leader's get the same
answer; the link arrives in the mail (the SMTP server's folder, --mail); opening it shows a button,
which signs in (a POST); the attention list names the pair that has not met; the mentee's phone is
first given wrong (the command's error must stand next to the field, status 422), then right; the
pair's meeting is moved. Then every desk page the nav and the pages link to is opened. Each page's
served HTML is parsed by html5lib strictly, and a full-page screenshot is taken at 390 and 1280 px.
End to end, with the browser's session: a POST without the token and one from another Origin are
403 and change nothing, another program's pair and person are 404; after "Log ud" the session is
gone.

Forms are found by what a person sees (labels, button texts) and by their action's path, never by
field names alone; the assumptions are listed in ASSUMED. Prints one JSON object; exits 1 when a
rule is broken (listed in "problems")."""
import argparse
import http.client
import json
import os
import re
import ssl
import sys
import time
import urllib.parse

import html5lib

from devtools_pipe import Browser, DevToolsError
from unsubscribe_page import spki_hash

# What the harness assumes of the pages beyond SPEC.md's paths, for the lead to align with.
ASSUMED = {
    "login form": "a form whose action path is /desk/login with one email field (type=email or a label/name "
                  "with 'mail' or 'adresse')",
    "link": "the mail holds PUBLIC/desk/login/TOKEN; that page has one POST form with a button",
    "phone field": "on /desk/people/ID, a POST form with a field labelled 'Telefon'/'Mobil'/'Phone' "
                   "(or type=tel, or a name with 'phone')",
    "meeting move": "on /desk/pairs/ID (or a page it links to with 'Flyt'/'Move'), a POST form whose action "
                    "path or button says move/flyt, with type=datetime-local (or type=date + type=time, or a "
                    "text field labelled with tid/time/hvornår)",
    "csrf": "every POST form carries a hidden field named csrf",
    "logout": "a POST form with action /desk/logout",
}

LABEL_JS = """
(() => {
  const textOf = e => (e.textContent || '').replace(/\\s+/g, ' ').trim();
  window.__desk = {
    label(e) { return e.labels && e.labels.length ? textOf(e.labels[0]) : ''; },
    mark(e, tag) { e.setAttribute('data-harness', tag); return `[data-harness="${tag}"]`; },
    forms() {
      return Array.from(document.forms).map((f, i) => ({
        index: i, method: (f.getAttribute('method') || 'get').toLowerCase(),
        action: new URL(f.getAttribute('action') || '', location.href).pathname,
        buttons: Array.from(f.querySelectorAll('button, input[type=submit]')).map(b => textOf(b) || b.value || ''),
        fields: Array.from(f.elements).filter(e => e.name).map(e => ({
          name: e.name, type: (e.type || e.tagName).toLowerCase(), label: window.__desk.label(e), value: e.value,
          described: (e.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
            .map(id => document.getElementById(id)).filter(Boolean).map(textOf).join(' | '),
          invalid: e.getAttribute('aria-invalid') === 'true'})),
      }));
    },
  };
  return true;
})()
"""

# What a person must be able to do on every page, checked in the DOM Chromium built.
PAGE_CHECKS_JS = """
(() => {
  const textOf = e => (e.textContent || '').replace(/\\s+/g, ' ').trim();
  const fields = Array.from(document.querySelectorAll('input, select, textarea'))
    .filter(e => e.type !== 'hidden');
  const sheet = document.styleSheets.length;
  const body = getComputedStyle(document.body);
  return {
    title: document.title,
    h1: document.querySelector('h1') ? textOf(document.querySelector('h1')) : null,
    text: textOf(document.body),
    lang: document.documentElement.lang,
    unlabelled: fields.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
      .map(e => e.name || e.id || e.type),
    unnamedButtons: Array.from(document.querySelectorAll('button')).filter(b => !textOf(b)).length,
    scripts: document.scripts.length,
    styled: sheet > 0 && body.marginTop === '0px',
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    postFormsWithoutCsrf: Array.from(document.forms)
      .filter(f => (f.getAttribute('method') || '').toLowerCase() === 'post' && !f.querySelector('input[name=csrf]'))
      .map(f => f.getAttribute('action')),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => ({href: a.href, text: textOf(a)})),
  };
})()
"""


class Desk:
    def __init__(self, args):
        self.args = args
        self.base = args.base.rstrip("/")
        self.browser = Browser(args.profile, spki_hash(args.cert))
        self.pages = []
        self.problems = []
        self.notes = []
        self.steps = {}
        self.count = 0
        os.makedirs(args.shots, exist_ok=True)
        self.tls = ssl.create_default_context(cafile=args.cert)

    def problem(self, text):
        self.problems.append(text)

    # Pages.

    def document_response(self, events):
        """The last main-document response among `events`, and the redirects on the way to it."""
        response, redirects = None, []
        for event in events:
            params = event.get("params", {})
            if event.get("method") == "Network.requestWillBeSent" and params.get("type") == "Document":
                if params.get("redirectResponse"):
                    redirects.append(params["redirectResponse"]["status"])
            if event.get("method") == "Network.responseReceived" and params.get("type") == "Document":
                response = params
        return response, redirects

    def console(self, events):
        """What the browser complained of: CSP violations, script errors, and every resource but the
        page itself that failed (by its URL; Chromium's own log line names no URL, so it is left out).
        The favicon, which a browser asks for on its own, is not passed on by the README's nginx."""
        found = []
        for event in events:
            if event.get("method") == "Network.responseReceived":
                response = event["params"]["response"]
                if (response["status"] >= 400 and event["params"].get("type") != "Document"
                        and not response["url"].endswith("/favicon.ico")):
                    found.append(f"{response['url']}: {response['status']}")
            if event.get("method") == "Log.entryAdded":
                entry = event["params"]["entry"]
                if entry.get("source") == "network" and "the server responded with a status of" in entry.get("text", ""):
                    continue
                found.append(f"{entry.get('source')}/{entry.get('level')}: {entry.get('text')}")
            if event.get("method") == "Runtime.consoleAPICalled":
                found.append("console: " + " ".join(str(a.get("value")) for a in event["params"].get("args", [])))
            if event.get("method") == "Runtime.exceptionThrown":
                found.append("exception: " + json.dumps(event["params"])[:200])
        return found

    def record(self, name, events, expect=(200,)):
        """The page now shown: its served HTML parsed strictly, its DOM checked, screenshots at 390 and
        1280 px. Returns what was found."""
        self.count += 1
        response, redirects = self.document_response(events)
        page = {"name": name, "url": self.browser.evaluate("location.href"), "redirects": redirects}
        slug = f"{self.count:02d}-{name}"
        if response is None:
            self.problem(f"{name}: no document response seen")
            return page
        page["status"] = response["response"]["status"]
        headers = {k.lower(): v for k, v in response["response"]["headers"].items()}
        if page["status"] not in expect:
            self.problem(f"{name}: status {page['status']}, expected {list(expect)}")
        for header, want in (("content-security-policy", "default-src 'none'"), ("cache-control", "no-store")):
            if not headers.get(header, "").startswith(want):
                self.problem(f"{name}: {header} is {headers.get(header)!r}")
        try:
            served = self.browser.response_body(response["requestId"])
            page["bytes"] = len(served)
            html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(served)
            page["html5lib"] = "ok"
        except html5lib.html5parser.ParseError as error:
            page["html5lib"] = str(error)
            self.problem(f"{name}: html5lib (strict): {error}")
        except DevToolsError as error:
            self.problem(f"{name}: the served HTML could not be read: {error}")
        self.browser.evaluate(LABEL_JS)
        checks = self.browser.evaluate(PAGE_CHECKS_JS)
        page.update({k: checks[k] for k in ("title", "h1", "lang")})
        page["text"] = checks["text"][:2000]
        if "⟦" in checks["text"]:
            self.problem(f"{name}: a missing word: {re.findall(r'⟦[^⟧]*⟧', checks['text'])}")
        if checks["unlabelled"]:
            self.problem(f"{name}: fields without a label: {checks['unlabelled']}")
        if checks["unnamedButtons"]:
            self.problem(f"{name}: {checks['unnamedButtons']} buttons without a text")
        if checks["scripts"]:
            self.problem(f"{name}: {checks['scripts']} script elements")
        if not checks["styled"]:
            self.problem(f"{name}: /desk/style.css was not applied")
        # The sign-in form comes before any session, so before any token.
        without = [a for a in checks["postFormsWithoutCsrf"] if not (a or "").startswith("/desk/login")]
        if without:
            self.problem(f"{name}: POST forms without csrf: {without}")
        console = self.console(events)
        if console:
            self.problem(f"{name}: the browser reported {console}")
        page["screenshots"] = []
        for width in (390, 1280):
            path = os.path.abspath(os.path.join(self.args.shots, f"{slug}-{width}.png"))
            height = self.browser.screenshot(path, width)
            page["screenshots"].append(path)
            if width == 390:
                overflow = self.browser.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    self.problem(f"{name}: {overflow} px wider than a 390 px phone (scrolls sideways)")
                page["height390"] = height
        self.browser.resize(1280)
        page["links"] = checks["links"]
        self.pages.append(page)
        return page

    def open(self, name, path, expect=(200,)):
        return self.record(name, self.browser.navigate(self.url(path)), expect)

    def url(self, path):
        return path if path.startswith("http") else self.base + path

    def forms(self):
        self.browser.evaluate(LABEL_JS)
        return self.browser.evaluate("window.__desk.forms()")

    def submit(self, name, form_index, values, expect=(200,), button=None):
        """Fills the form's fields (name → value; typed, or set for pickers) and clicks its button."""
        for field, value in values.items():
            selector = self.browser.evaluate(
                "window.__desk.mark(document.forms[%d].elements[%s], 'f-%s')"
                % (form_index, json.dumps(field), re.sub(r"\W", "_", field)))
            kind = self.browser.evaluate(f"document.querySelector({json.dumps(selector)}).type")
            if kind in ("date", "time", "datetime-local", "select-one", "month"):
                self.browser.set_value(selector, value)
            else:
                self.browser.type_into(selector, value)
        buttons = "button, input[type=submit]"
        target = self.browser.evaluate(
            "(() => { const f = document.forms[%d]; const bs = Array.from(f.querySelectorAll(%s));"
            " const b = bs.find(b => %s) || bs[0]; return b ? window.__desk.mark(b, 'submit') : null; })()"
            % (form_index, json.dumps(buttons),
               "false" if button is None else f"new RegExp({json.dumps(button)}, 'i').test(b.textContent)"))
        if target is None:
            raise DevToolsError(f"{name}: the form has no button")
        events = self.browser.until_loaded(lambda: self.browser.click(target))
        return self.record(name, events, expect)

    # Finding forms and fields as a person would.

    @staticmethod
    def find_form(forms, action=None, button=None, field=None):
        for form in forms:
            if form["method"] != "post":
                continue
            if action and not re.search(action, form["action"]):
                continue
            if button and not any(re.search(button, b, re.I) for b in form["buttons"]):
                continue
            if field and not Desk.find_field(form, *field):
                continue
            return form
        return None

    @staticmethod
    def find_field(form, label=None, types=(), name=None):
        """The field of one of `types`, else the one whose label matches, else whose name does."""
        fields = [f for f in form["fields"] if f["type"] != "hidden"]
        return (next((f for f in fields if f["type"] in types), None)
                or next((f for f in fields if label and re.search(label, f["label"], re.I)), None)
                or next((f for f in fields if name and re.search(name, f["name"], re.I)), None))

    # The flow.

    def mails(self):
        found = []
        folder = self.args.mail
        for file in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if file.endswith(".json"):
                with open(os.path.join(folder, file), encoding="utf-8") as f:
                    found.append(json.load(f))
        return found

    def wait_for_link(self, timeout=90):
        pattern = re.compile(re.escape(self.base) + r"/desk/login/[A-Za-z0-9_\-]+")
        deadline = time.time() + timeout
        while time.time() < deadline:
            for mail in self.mails():
                if self.args.leader.lower() not in " ".join(mail.get("rcpt_tos", [])).lower():
                    continue
                for part in mail.get("parts", []):
                    match = pattern.search(part.get("text") or "")
                    if match:
                        return match.group(0), mail
            time.sleep(0.5)
        return None, None

    def sign_in(self):
        start = self.open("start", "/desk/")
        if not urllib.parse.urlparse(start.get("url", "")).path.startswith("/desk/login"):
            self.problem(f"/desk/ without a session went to {start.get('url')}, not the sign-in form")
        answers = []
        for who, address in (("stranger", self.args.stranger), ("leader", self.args.leader)):
            if who == "leader":
                self.open("login", "/desk/login")
            form = self.find_form(
                self.forms(), action=r"^/desk/login/?$", field=(r"mail|adresse|address", ("email",), r"mail"))
            if form is None:
                self.problem("no sign-in form (a POST to /desk/login with an email field)")
                return False
            email = self.find_field(form, r"mail|adresse|address", ("email",), r"mail")
            page = self.submit(f"login-sent-{who}", form["index"], {email["name"]: address})
            answers.append(page.get("text", "").replace(address, "ADDRESS"))
        self.steps["sameAnswerForStranger"] = answers[0] == answers[1]
        if answers[0] != answers[1]:
            self.problem(f"a stranger's address and a leader's are answered differently: {answers}")
        link, mail = self.wait_for_link()
        if link is None:
            self.problem("no sign-in link arrived at the SMTP server for the leader")
            return False
        self.steps["linkMailSubject"] = mail.get("headers", {}).get("Subject")
        self.steps["strangerMails"] = sum(
            self.args.stranger.lower() in " ".join(m.get("rcpt_tos", [])).lower() for m in self.mails())
        button_page = self.open("login-link", link)
        forms = [f for f in self.forms() if f["method"] == "post"]
        if len(forms) != 1:
            self.problem(f"the link's page has {len(forms)} POST forms, expected one button")
            return False
        self.steps["linkPageIsNotSignedIn"] = "/desk/logout" not in json.dumps(button_page.get("links", []))
        signed = self.submit("signed-in", forms[0]["index"], {})
        self.steps["afterSignIn"] = urllib.parse.urlparse(signed.get("url", "")).path
        self.steps["signInRedirects"] = signed.get("redirects")
        cookies = [c for c in self.browser.cookies() if c["name"].startswith("__Host-")]
        self.steps["cookie"] = [
            {k: c.get(k) for k in ("name", "path", "secure", "httpOnly", "sameSite", "session")} for c in cookies]
        if not cookies:
            self.problem("no __Host- session cookie after pressing the button")
            return False
        self.cookie = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
        # Used once: the same link again signs no one in (its button page or a refusal, not a session).
        self.steps["link"] = urllib.parse.urlparse(link).path.rsplit("/", 1)[0] + "/TOKEN"
        self.used_link = link
        return True

    def attention(self):
        page = self.open("attention", "/desk/")
        self.steps["attentionNamesPair"] = self.args.mentee_name in page.get("text", "")
        if not self.steps["attentionNamesPair"]:
            self.problem(f"the attention list does not name {self.args.mentee_name}: {page.get('text', '')[:300]}")

    def follow(self, name, pattern, fallback):
        """Opens the link whose text matches `pattern` on the page shown, else `fallback`."""
        links = self.browser.evaluate(
            "Array.from(document.querySelectorAll('main a[href]')).map(a => [a.textContent.trim(), a.href])")
        for text, href in links:
            if re.search(pattern, text, re.I):
                return self.open(name, href)
        self.notes.append(f"{name}: no link with /{pattern}/ on {self.browser.evaluate('location.pathname')}; "
                          f"opened {fallback}")
        return self.open(name, fallback)

    def correct_phone(self):
        self.open("people", "/desk/people")
        person_path = f"/desk/people/{self.args.mentee_id}"
        self.follow("person", re.escape(self.args.mentee_name), person_path)
        phone = (r"telefon|mobil|phone|nummer", ("tel",), r"phone|tel")
        form = self.find_form(self.forms(), field=phone)
        if form is None:
            edit = self.find_link(r"^(ret|rediger|edit)\b", href=r"/edit$")
            if edit:
                self.open("person-edit", edit)
                form = self.find_form(self.forms(), field=phone)
        if form is None:
            self.problem(f"no form with a phone field on {person_path}")
            return
        self.steps["phoneFormAction"] = form["action"]
        field = self.find_field(form, *phone)
        self.steps["phoneField"] = field["name"]
        wrong = self.submit("person-phone-error", form["index"], {field["name"]: self.args.bad_phone}, expect=(422,))
        again = self.find_form(self.forms(), action=re.escape(form["action"]) + "$", field=phone)
        shown = self.find_field(again, *phone) if again else None
        self.steps["phoneErrorNextToField"] = bool(shown and shown["described"] and shown["invalid"])
        self.steps["phoneError"] = shown["described"] if shown else None
        if not self.steps["phoneErrorNextToField"]:
            self.problem(f"the phone error is not tied to its field (aria-describedby, aria-invalid): {shown}")
        if shown and shown["value"] != self.args.bad_phone:
            self.problem(f"the form did not keep what the leader typed: {shown['value']!r}")
        if again is None:
            return
        done = self.submit("person-phone-saved", again["index"], {field["name"]: self.args.new_phone})
        # From here on every SMS to the mentee must go to the new number.
        if os.path.exists(self.args.sms_log):
            with open(self.args.sms_log, encoding="utf-8") as f:
                self.steps["smsBeforeCorrection"] = sum(1 for line in f if line.strip())
        else:
            self.steps["smsBeforeCorrection"] = 0
        self.steps["phoneSavedRedirects"] = done.get("redirects")
        digits = re.sub(r"\D", "", self.args.new_phone)
        self.steps["phoneShownAfter"] = digits in re.sub(r"\D", "", done.get("text", ""))
        self.phone_form = (form["action"], field["name"])

    def find_link(self, pattern, href=None):
        """A link in the page's main part by its text, else by its address."""
        links = self.browser.evaluate(
            "Array.from(document.querySelectorAll('main a[href]')).map(a => [a.textContent.trim(), a.href])")
        return (next((url for text, url in links if re.search(pattern, text, re.I)), None)
                or next((url for _, url in links if href and re.search(href, urllib.parse.urlparse(url).path)), None))

    def move_meeting(self):
        self.open("pairs", "/desk/pairs")
        pair_path = f"/desk/pairs/{self.args.pair_id}"
        self.follow("pair", re.escape(self.args.mentee_name), pair_path)
        form = self.find_form(self.forms(), action=r"move|flyt") or self.find_form(self.forms(), button=r"flyt|move")
        if form is None:
            link = self.find_link(r"flyt|move", href=r"/move$")
            if link is None:
                # A page of its own for the meetings ("Møder"), linked from the pair.
                meetings = self.find_link(r"^møder|^meetings", href=r"/meetings$")
                if meetings:
                    self.open("pair-meetings", meetings)
                    form = self.find_form(self.forms(), action=r"move|flyt") or self.find_form(
                        self.forms(), button=r"flyt|move")
                    link = None if form else self.find_link(r"flyt|move", href=r"/move$")
            if form is None and link:
                self.open("meeting-move", link)
                form = self.find_form(self.forms(), action=r"move|flyt") or self.find_form(
                    self.forms(), button=r"flyt|move")
        if form is None:
            self.problem(f"no form to move a meeting from {pair_path}")
            return
        self.steps["moveFormAction"] = form["action"]
        date, clock = self.args.meeting_at.split("T")
        fields = form["fields"]
        values = {}
        whole = next((f for f in fields if f["type"] == "datetime-local"), None)
        day = next((f for f in fields if f["type"] == "date"), None)
        hour = next((f for f in fields if f["type"] == "time"), None)
        if whole:
            values[whole["name"]] = self.args.meeting_at
        elif day and hour:
            values[day["name"]], values[hour["name"]] = date, clock
        else:
            text = self.find_field(form, r"tid|time|hvornår|when|dato|date")
            if text is None:
                self.problem(f"the move form has no field for the new time: {fields}")
                return
            values[text["name"]] = self.args.meeting_at
        self.steps["moveFields"] = sorted(values)
        done = self.submit("meeting-moved", form["index"], values)
        self.steps["moveRedirects"] = done.get("redirects")
        shown = done.get("text", "")
        self.steps["newTimeShown"] = any(
            s in shown for s in (clock, clock.replace(":", "."), self.args.meeting_at))

    # End to end refusals, with the browser's own session.

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPSConnection(
            urllib.parse.urlparse(self.base).hostname, urllib.parse.urlparse(self.base).port, context=self.tls,
            timeout=15)
        all_headers = {"Cookie": self.cookie, **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, dict(response.getheaders()), data

    def refusals(self):
        results = {}
        csrf = self.browser.evaluate(
            "(document.querySelector('input[name=csrf]') || {}).value || null")
        if not csrf or not getattr(self, "phone_form", None):
            self.problem("no csrf token or phone form to test refusals with")
            return results
        action, field = self.phone_form
        forged = urllib.parse.urlencode({field: self.args.forged_phone})
        with_token = urllib.parse.urlencode({"csrf": csrf, field: self.args.forged_phone})
        origin = self.base
        results["noToken"] = self.request("POST", action, forged, {"Origin": origin})[0]
        results["wrongToken"] = self.request(
            "POST", action, urllib.parse.urlencode({"csrf": "A" * len(csrf), field: self.args.forged_phone}),
            {"Origin": origin})[0]
        results["otherOrigin"] = self.request("POST", action, with_token, {"Origin": "https://evil.example"})[0]
        results["otherPortOrigin"] = self.request(
            "POST", action, with_token, {"Origin": "https://127.0.0.1:1"})[0]
        results["otherPair"] = self.request("GET", f"/desk/pairs/{self.args.other_pair}")[0]
        results["otherPerson"] = self.request("GET", f"/desk/people/{self.args.other_person}")[0]
        results["noSuchPair"] = self.request("GET", "/desk/pairs/999999")[0]
        results["otherPersonPost"] = self.request(
            "POST", f"/desk/people/{self.args.other_person}",
            urllib.parse.urlencode({"csrf": csrf, field: self.args.forged_phone}), {"Origin": origin})[0]
        for key, want in (("noToken", 403), ("wrongToken", 403), ("otherOrigin", 403), ("otherPortOrigin", 403),
                          ("otherPair", 404), ("otherPerson", 404), ("noSuchPair", 404),
                          ("otherPersonPost", 404)):
            if results[key] != want:
                self.problem(f"end to end: {key} answered {results[key]}, expected {want}")
        # The page answering 404 is the same for another program's pair and for none at all.
        other = self.request("GET", f"/desk/pairs/{self.args.other_pair}")[2]
        none = self.request("GET", "/desk/pairs/999999")[2]
        results["sameAnswerOtherAndNone"] = other == none
        if other != none:
            self.problem("another program's pair is answered unlike a pair that does not exist")
        return results

    # Every page.

    def crawl(self, limit=40):
        """Opens each desk page the nav and the pages link to (GET, same origin), at most two of each
        shape (`/desk/pairs/:id`), skipping downloads."""
        seen = {urllib.parse.urlparse(p["url"]).path + ("?" + urllib.parse.urlparse(p["url"]).query
                                                           if urllib.parse.urlparse(p["url"]).query else "")
                for p in self.pages}
        shapes = {}
        queue = [p for p in ("/desk/", "/desk/pairs", "/desk/people", "/desk/cafes", "/desk/reminders",
                             "/desk/failed", "/desk/import", "/desk/reports", "/desk/audit")]
        for page in list(self.pages):
            queue += [link["href"] for link in page.get("links", [])]
        opened = 0
        while queue and opened < limit:
            href = queue.pop(0)
            parsed = urllib.parse.urlparse(self.url(href))
            if parsed.netloc != urllib.parse.urlparse(self.base).netloc or not parsed.path.startswith("/desk/"):
                continue
            key = parsed.path + ("?" + parsed.query if parsed.query else "")
            shape = re.sub(r"/\d+", "/:id", parsed.path)
            if key in seen or parsed.path.startswith("/desk/login") or parsed.path == "/desk/logout":
                continue
            seen.add(key)
            if shapes.get(shape, 0) >= 2:
                continue
            status, headers, _ = self.request("GET", key)
            kind = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
            if not kind.startswith("text/html"):
                self.steps.setdefault("downloads", []).append({"path": key, "status": status, "type": kind})
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            name = re.sub(r"[^a-z0-9]+", "-", shape.replace("/desk/", "").replace(":id", "id").lower()).strip("-")
            page = self.open(name or "attention", key)
            opened += 1
            queue += [link["href"] for link in page.get("links", [])]

    def log_out(self):
        form = self.find_form(self.forms(), action=r"^/desk/logout$")
        if form is None:
            self.problem("no 'Log ud' form")
            return
        page = self.submit("logged-out", form["index"], {})
        self.steps["afterLogout"] = urllib.parse.urlparse(page.get("url", "")).path
        status, headers, _ = self.request("GET", "/desk/")
        self.steps["oldSessionAfterLogout"] = [status, {k.lower(): v for k, v in headers.items()}.get("location")]
        if status == 200:
            self.problem("the session still opens /desk/ after 'Log ud'")
        # The link was used once: it signs no one in again.
        events = self.browser.navigate(self.used_link)
        forms = [f for f in self.forms() if f["method"] == "post"]
        if forms:
            events = self.browser.until_loaded(
                lambda: self.browser.click(self.browser.evaluate(
                    "window.__desk.mark(document.forms[%d].querySelector('button, input[type=submit]'), 'again')"
                    % forms[0]["index"])))
        response, _ = self.document_response(events)
        cookies = [c for c in self.browser.cookies() if c["name"].startswith("__Host-")]
        self.steps["usedLinkAgain"] = {
            "status": response["response"]["status"] if response else None,
            "path": self.browser.evaluate("location.pathname"), "cookie": bool(cookies)}
        if cookies and self.request("GET", "/desk/")[0] == 200:
            self.problem("a used sign-in link signed the leader in again")


def main():
    parser = argparse.ArgumentParser()
    for name in ("base", "cert", "profile", "mail", "shots", "leader", "stranger", "mentee-name", "mentee-id",
                 "pair-id", "new-phone", "bad-phone", "forged-phone", "meeting-at", "other-pair", "other-person",
                 "sms-log"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    desk = Desk(args)
    result = {"assumed": ASSUMED}
    try:
        if desk.sign_in():
            desk.attention()
            desk.correct_phone()
            desk.move_meeting()
            result["refusals"] = desk.refusals()
            desk.crawl()
            desk.log_out()
    except (DevToolsError, OSError, KeyError, TypeError) as error:
        desk.problem(f"the harness stopped: {type(error).__name__}: {error}")
    finally:
        desk.browser.close()
    for page in desk.pages:
        page.pop("links", None)
    result.update(steps=desk.steps, pages=desk.pages, problems=desk.problems, notes=desk.notes)
    # Beside the screenshots, for a person to read what each one shows.
    with open(os.path.join(args.shots, "desk-browser.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
    print(json.dumps(result, ensure_ascii=False))
    return 1 if desk.problems else 0


if __name__ == "__main__":
    sys.exit(main())
