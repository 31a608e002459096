"""A minimal headless Chromium driven over the DevTools protocol on a pipe.

No WebDriver and no port: Chromium is started with ``--remote-debugging-pipe`` and
reads JSON commands on file descriptor 3 and writes replies and events on 4. That is
all :mod:`geomap.render.screenshot` (and the browser tests) need: open a page, wait for the
map, evaluate JavaScript, dispatch mouse events, capture a PNG, and watch the
network and console.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from geomap.errors import BrowserError

__all__ = ["Chromium", "find_chromium"]

#: The flags every run uses (quiet, sandbox-free for containers, no phoning home).
BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str:
    """Return the path of a Chromium executable (``$GEOMAP_CHROMIUM`` first).

    Raises
    ------
    BrowserError
        If none is found, naming the Debian package to install.
    """
    env = os.environ.get("GEOMAP_CHROMIUM")
    if env:
        if shutil.which(env) or Path(env).is_file():
            return shutil.which(env) or env
        raise BrowserError(f"GEOMAP_CHROMIUM={env} is not an executable; point it at chromium")
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserError("headless Chromium is needed for PNG output; install it (Debian: apt-get install chromium)")


class Chromium:
    """One headless Chromium process with one page.

    Use as a context manager::

        with Chromium(width=1000, height=700) as b:
            b.open(path)
            png = b.screenshot()

    Attributes
    ----------
    events : list of dict
        Every DevTools event received (``Network.requestWillBeSent``, console, …).
    """

    def __init__(
        self,
        *,
        width: int = 1000,
        height: int = 700,
        extra_args: tuple[str, ...] = (),
        timeout: float = 30.0,
        scale: float = 1.0,
        media: str | None = None,
    ) -> None:
        self.width, self.height, self.timeout = int(width), int(height), float(timeout)
        self.scale, self.media = float(scale), media
        self.extra_args = tuple(extra_args)
        self.events: list[dict] = []
        self._next = 0
        self._queue: queue.Queue[dict | None] = queue.Queue()
        self._proc: subprocess.Popen | None = None
        self._profile: str | None = None
        self._session: str | None = None

    # -- lifecycle -------------------------------------------------------
    def __enter__(self) -> Chromium:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start Chromium with a fresh profile and open a blank page."""
        exe = find_chromium()
        self._profile = tempfile.mkdtemp(prefix="geomap-chromium-")
        cmd_r, cmd_w = os.pipe()
        out_r, out_w = os.pipe()

        def child_fds() -> None:  # runs in the child before exec
            a, b = os.dup(cmd_r), os.dup(out_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [
            exe,
            *BASE_FLAGS,
            f"--user-data-dir={self._profile}",
            f"--window-size={self.width},{self.height}",
            *self.extra_args,
            "about:blank",
        ]
        try:
            self._proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(3, 4),
                preexec_fn=child_fds,
            )
        except OSError as exc:
            raise BrowserError(f"cannot start {exe}: {exc}") from None
        finally:
            os.close(cmd_r)
            os.close(out_w)
        self._w = os.fdopen(cmd_w, "wb", buffering=0)
        self._r = os.fdopen(out_r, "rb", buffering=0)
        threading.Thread(target=self._reader, daemon=True).start()
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self._session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": self.width, "height": self.height, "deviceScaleFactor": self.scale, "mobile": False},
        )
        if self.media:  # e.g. "print": the page lays itself out as it would on paper
            self.call("Emulation.setEmulatedMedia", {"media": self.media})

    def close(self) -> None:
        """Close the browser, wait for it and remove its profile."""
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                self._send({"id": self._id(), "method": "Browser.close"})
            except OSError:
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            for fh in (self._w, self._r):
                try:
                    fh.close()
                except OSError:
                    pass
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    # -- protocol --------------------------------------------------------
    def _id(self) -> int:
        self._next += 1
        return self._next

    def _send(self, msg: dict) -> None:
        self._w.write(json.dumps(msg).encode("utf-8") + b"\0")

    def _reader(self) -> None:
        buf = b""
        try:
            while True:
                chunk = self._r.read(1 << 16)
                if not chunk:
                    break
                buf += chunk
                while b"\0" in buf:
                    raw, buf = buf.split(b"\0", 1)
                    self._queue.put(json.loads(raw))
        except (OSError, ValueError):
            pass
        self._queue.put(None)

    def call(
        self, method: str, params: dict | None = None, *, session: bool = True, timeout: float | None = None
    ) -> dict:
        """Send one DevTools command and return its result (events are kept in :attr:`events`)."""
        mid = self._id()
        msg: dict[str, Any] = {"id": mid, "method": method, "params": params or {}}
        if session and self._session:
            msg["sessionId"] = self._session
        self._send(msg)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"Chromium did not answer {method} within {timeout or self.timeout:.0f} s")
            try:
                reply = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if reply is None:
                raise BrowserError(f"Chromium exited while running {method}")
            if reply.get("id") == mid:
                if "error" in reply:
                    raise BrowserError(f"Chromium refused {method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self._event(reply)

    def _event(self, reply: dict) -> None:
        if "method" not in reply:
            return
        self.events.append(reply)
        if reply["method"] == "Page.javascriptDialogOpening":  # never let a dialog block the page
            msg = {"id": self._id(), "method": "Page.handleJavaScriptDialog", "params": {"accept": False}}
            if self._session:
                msg["sessionId"] = self._session
            self._send(msg)

    def pump(self, seconds: float = 0.0) -> None:
        """Collect events for ``seconds`` (0: only those already received)."""
        end = time.monotonic() + seconds
        while True:
            try:
                reply = self._queue.get(timeout=max(0.0, end - time.monotonic()) or 0.01)
            except queue.Empty:
                if time.monotonic() >= end:
                    return
                continue
            if reply is None:
                return
            self._event(reply)

    # -- page helpers ----------------------------------------------------
    def open(self, path: str | os.PathLike, *, wait_for_map: bool = True) -> None:
        """Load a local HTML file and, by default, wait until every map on it has drawn."""
        url = Path(path).resolve().as_uri()
        self.call("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete'")
        if wait_for_map:
            self.wait_for(
                "(function(){var m=document.querySelectorAll('.geomap');if(!m.length)return false;"
                "for(var i=0;i<m.length;i++){if(!m[i].getAttribute('data-geomap-ready'))return false;}"
                "return true;})()"
            )
            # two animation frames: the drawn vectors are painted before a screenshot
            self.evaluate("new Promise(function(r){requestAnimationFrame(function(){requestAnimationFrame(r);});})")

    def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page (promises awaited) and return its JSON value."""
        res = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in res:
            detail = res["exceptionDetails"]
            text = detail.get("exception", {}).get("description") or detail.get("text")
            raise BrowserError(f"JavaScript error: {text}")
        return res.get("result", {}).get("value")

    def wait_for(self, expression: str, *, timeout: float | None = None) -> None:
        """Poll ``expression`` until it is truthy."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise BrowserError(f"the page did not finish drawing within {timeout or self.timeout:.0f} s")
            time.sleep(0.05)

    def click(self, x: float, y: float) -> None:
        """A real left click at page coordinates (x, y)."""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                {
                    "type": kind,
                    "x": x,
                    "y": y,
                    "button": "left" if kind != "mouseMoved" else "none",
                    "clickCount": 1 if kind != "mouseMoved" else 0,
                },
            )

    def hover(self, x: float, y: float) -> None:
        """Move the mouse to page coordinates (x, y)."""
        self.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})

    def screenshot(self) -> bytes:
        """Return a PNG of the viewport (``scale`` device pixels per CSS pixel)."""
        res = self.call("Page.captureScreenshot", {"format": "png", "fromSurface": True})
        return base64.b64decode(res["data"])

    def pdf(self) -> bytes:
        """Return the page printed to a one-page vector PDF the size of the viewport."""
        inch = 96.0
        res = self.call(
            "Page.printToPDF",
            {
                "paperWidth": self.width / inch,
                "paperHeight": self.height / inch,
                "printBackground": True,
                "marginTop": 0,
                "marginBottom": 0,
                "marginLeft": 0,
                "marginRight": 0,
                "pageRanges": "1",
                "preferCSSPageSize": False,
            },
            timeout=max(self.timeout, 60.0),
        )
        return base64.b64decode(res["data"])

    # -- what happened ---------------------------------------------------
    def requests(self) -> list[str]:
        """URLs of every request the page started (from ``Network.requestWillBeSent``)."""
        self.pump()
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def console_errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries, as text."""
        self.pump()
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                out.append(d.get("exception", {}).get("description") or d.get("text", "exception"))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(p["entry"].get("text", ""))
        return out

    def dialogs(self) -> list[str]:
        """Messages of JavaScript dialogs (alert/confirm/prompt) the page opened."""
        self.pump()
        return [
            e["params"].get("message", "") for e in self.events if e.get("method") == "Page.javascriptDialogOpening"
        ]
