"""Headless Chromium (Debian's `chromium`) driven by the DevTools protocol over
`--remote-debugging-pipe`: commands go to the browser on its fd 3, answers and events come back on
its fd 4, each a JSON message ended by a NUL byte. Python's standard library only.

    with Browser(profile, spki) as browser:
        browser.navigate(url)
        browser.click("form[action='/desk/login'] button")

Clicks are real (Input.dispatchMouseEvent at the element's centre) and text is typed
(Input.insertText); the test side may read and mark the DOM with Runtime.evaluate, which the page's
CSP does not govern. The page itself runs no script."""
import base64
import json
import os
import queue
import subprocess
import threading
import time


class DevToolsError(Exception):
    pass


class Browser:
    def __init__(self, profile, spki_hash, width=1280, height=900, timeout=30):
        self.timeout = timeout
        self.width = width
        self.height = height
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def wire():
            # In the browser, fd 3 reads our commands and fd 4 writes to us. Both ends are first moved
            # up (not inherited) so that dup2 onto 3 and 4 cannot close one of them; dup2 makes the
            # copies inheritable, and nothing else is (Python's descriptors are not, PEP 446).
            high_read = os.dup2(to_browser_read, 20, inheritable=False)
            high_write = os.dup2(from_browser_write, 21, inheritable=False)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        command = [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
            "--no-default-browser-check", "--remote-debugging-pipe", f"--user-data-dir={profile}",
            f"--ignore-certificate-errors-spki-list={spki_hash}", f"--window-size={width},{height}", "about:blank",
        ]
        self.process = subprocess.Popen(
            command, preexec_fn=wire, close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._next = 0
        self._lock = threading.Lock()
        self._answers = {}
        self._answered = threading.Condition(self._lock)
        self.events = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session = None
        targets = self.send("Target.getTargets", session=False)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send(
            "Target.attachToTarget", {"targetId": page["targetId"], "flatten": True}, session=False)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    # The wire.

    def _read(self):
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    self._answers["closed"] = True
                    self._answered.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        self._answers[message["id"]] = message
                        self._answered.notify_all()
                else:
                    self.events.put(message)

    def send(self, method, params=None, session=True):
        with self._lock:
            self._next += 1
            ident = self._next
        message = {"id": ident, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_browser, data):]
        deadline = time.time() + self.timeout
        with self._lock:
            while ident not in self._answers:
                if "closed" in self._answers:
                    raise DevToolsError(f"{method}: the browser closed the pipe")
                left = deadline - time.time()
                if left <= 0:
                    raise DevToolsError(f"{method}: no answer in {self.timeout} s")
                self._answered.wait(left)
            answer = self._answers.pop(ident)
        if "error" in answer:
            raise DevToolsError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def drain(self):
        """The events that arrived so far (and forgets them)."""
        events = []
        while True:
            try:
                events.append(self.events.get_nowait())
            except queue.Empty:
                return events

    def wait_for(self, method, seen=None, timeout=None):
        """Waits for an event `method`; every event read on the way is appended to `seen`."""
        deadline = time.time() + (timeout or self.timeout)
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise DevToolsError(f"no {method} in {timeout or self.timeout} s")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if seen is not None:
                seen.append(event)
            if event.get("method") == method:
                return event

    # The page.

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise DevToolsError(f"evaluate: {result['exceptionDetails']}")
        return result["result"].get("value")

    def until_loaded(self, action):
        """Runs `action` (which starts a navigation) and waits for the new document's load; the events
        seen meanwhile are returned (requests, responses, console and log entries)."""
        self.drain()
        action()
        seen = []
        self.wait_for("Page.loadEventFired", seen)
        # Whatever arrived with the load (log entries are reported asynchronously).
        time.sleep(0.1)
        seen += self.drain()
        return seen

    def navigate(self, url):
        return self.until_loaded(lambda: self.send("Page.navigate", {"url": url}))

    def click(self, selector):
        """A left click at the centre of the element `selector` names, scrolled into view."""
        box = self.evaluate(
            "(() => { const e = document.querySelector(%s); if (!e) return null; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
            % json.dumps(selector))
        if box is None:
            raise DevToolsError(f"nothing to click at {selector}")
        x, y = box
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent",
                      {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 if kind != "mouseMoved" else 0})

    def type_into(self, selector, text):
        """Empties the field and types `text` into it, as a keyboard would."""
        found = self.evaluate(
            "(() => { const e = document.querySelector(%s); if (!e) return false; e.focus(); e.select && e.select();"
            " return true; })()" % json.dumps(selector))
        if not found:
            raise DevToolsError(f"no field at {selector}")
        self.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "key": "Delete", "code": "Delete",
                                             "windowsVirtualKeyCode": 46})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Delete", "code": "Delete",
                                             "windowsVirtualKeyCode": 46})
        self.send("Input.insertText", {"text": text})

    def set_value(self, selector, value):
        """For fields a keyboard fills through a picker (date, time, select): the value is set and
        the field told, as the picker does."""
        done = self.evaluate(
            "(() => { const e = document.querySelector(%s); if (!e) return false; e.value = %s;"
            " e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}));"
            " return e.value === %s; })()" % (json.dumps(selector), json.dumps(value), json.dumps(value)))
        if not done:
            raise DevToolsError(f"could not set {selector} to {value}")

    def resize(self, width, height=None):
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height or (844 if width < 600 else 900), "deviceScaleFactor": 1,
            "mobile": width < 600})
        # Let layout follow before anyone measures it.
        self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    def screenshot(self, path, width):
        """The whole page (not just the viewport) at `width` CSS pixels, as PNG."""
        self.resize(width)
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = max(int(size["height"] + 0.999), 1)
        shot = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        return height

    def cookies(self):
        return self.send("Network.getCookies")["cookies"]

    def response_body(self, request_id):
        body = self.send("Network.getResponseBody", {"requestId": request_id})
        return base64.b64decode(body["body"]) if body.get("base64Encoded") else body["body"].encode()

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except DevToolsError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser,):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
