"""Fixtures of the browser tests: the repository's own data served by a real ``awardgraph serve`` on 127.0.0.1,
Debian's headless Chromium driven by Selenium through Debian's chromedriver (never a downloaded browser), a trap
for any request to another host, and screenshots saved as test artifacts.

Chromium is told to send everything through a proxy that is a listener of the test's own (loopback addresses
bypass proxies): a request to any other host reaches the trap, which records it and closes the connection.
Chromium's own DevTools network events are recorded too, so a page that tried to reach another host fails its
test either way. Chromium itself (not the pages) still calls Google's account service at start, and now and then
its updater, whatever the flags (Debian's build, headless): those connections, to :data:`BROWSER_SERVICES` only,
are not the site's doing and are left out of the trap's check; the DevTools events, which see every request a page
makes, have no such exception.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from awardgraph.config import Settings
from awardgraph.graph.build import build
from tests.integration.servers import free_port, missing

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(os.environ.get("AWARDGRAPH_ARTIFACTS") or Path(__file__).parent / "artifacts")
READY_SECONDS = 60
# Google's account service at start, and (now and then, despite --disable-component-update) the updater's check
BROWSER_SERVICES = (b"CONNECT accounts.google.com:443 ", b"POST http://update.googleapis.com/service/update2/")


@dataclass
class Site:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """``awardgraph serve`` over a build of the repository's data, stopped by its PID at the end."""
    folder = tmp_path_factory.mktemp("browser-site")
    settings = Settings(store=folder / "store")
    try:
        build(settings)
    except Exception as exc:
        pytest.fail(f"the repository's data does not build: {type(exc).__name__}: {exc}")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDGRAPH_")}
    log = folder / "serve.log"
    command = [sys.executable, "-m", "awardgraph", "serve", "--store", str(settings.store)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"awardgraph serve exited with {process.returncode}: {log.read_text()[-2000:]}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"awardgraph serve did not answer within {READY_SECONDS} s: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield Site(url, process, log)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


@dataclass
class Trap:
    """A listener standing in for the whole internet: it records each connection it gets and closes it."""

    port: int
    calls: list[bytes] = field(default_factory=list)


@pytest.fixture(scope="session")
def trap() -> Iterator[Trap]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    found = Trap(int(server.getsockname()[1]))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(1)
                with contextlib.suppress(OSError):
                    found.calls.append(connection.recv(4096).split(b"\r\n")[0])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield found
    stop.set()
    thread.join(timeout=5)
    server.close()


class Browser:
    """One headless Chromium: the driver, where downloads go, and the checks every test ends with."""

    def __init__(self, driver: object, downloads: Path, site: Site, trap: Trap, shots: Path) -> None:
        self.driver = driver
        self.downloads, self.site, self.trap, self.shots = downloads, site, trap, shots
        self.requested: list[str] = []
        self.console: list[dict[str, object]] = []

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.driver.save_screenshot(str(path))  # type: ignore[attr-defined]
        return path

    def collect(self) -> None:
        """Read the browser's console and network logs gathered since the last call."""
        self.console += self.driver.get_log("browser")  # type: ignore[attr-defined]
        for entry in self.driver.get_log("performance"):  # type: ignore[attr-defined]
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requested.append(message["params"]["request"]["url"])

    def foreign_requests(self) -> list[str]:
        self.collect()
        ours = urlsplit(self.site.url).netloc
        return [u for u in self.requested if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != ours]

    def console_errors(self) -> list[dict[str, object]]:
        self.collect()
        return [e for e in self.console if e.get("level") == "SEVERE"]


@pytest.fixture
def browser(site: Site, trap: Trap, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Browser]:
    if not CHROMIUM.is_file() or not CHROMEDRIVER.is_file():
        missing("Chromium is not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--lang=en-GB",
        f"--proxy-server=127.0.0.1:{trap.port}",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--no-pings",
        "--disable-client-side-phishing-detection",
        "--disable-domain-reliability",
        "--disable-breakpad",
        "--metrics-recording-only",
        "--password-store=basic",
        "--disable-extensions",
        "--disable-component-extensions-with-background-pages",
        "--disable-features=AutofillServerCommunication,OptimizationHints,OptimizationGuideModelDownloading,"
        "Translate,MediaRouter,DialMediaRouteProvider,CertificateTransparencyComponentUpdater,"
        "AccountConsistency,SigninInterceptBubble,PrivacySandboxSettings4",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-GB,en", "signin.allowed": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    shots = ARTIFACTS / request.node.name.replace("/", "_")
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.implicitly_wait(0)
    before = len(trap.calls)
    try:
        b = Browser(driver, downloads, site, trap, shots)
        yield b
        b.collect()
        record = {
            "requested": b.requested,
            "console": b.console,
            "trap": [c.decode("latin-1") for c in trap.calls[before:]],
        }
        (shots / "browser-log.json").write_text(json.dumps(record, indent=1), encoding="utf-8")  # for diagnosis
        assert b.foreign_requests() == [], "the pages asked for something from another host"
        outside = [c for c in trap.calls[before:] if not c.startswith(BROWSER_SERVICES)]
        assert outside == [], "the browser tried to reach another host through the proxy"
        assert b.console_errors() == [], "errors in the browser's console"
    finally:
        driver.quit()
