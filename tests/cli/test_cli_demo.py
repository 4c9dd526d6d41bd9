"""``pingcore demo``: the example Django and Flask blogs ping each other, end to end."""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from .helpers import ROOT, Pingcore

DEMO_START = 30  # seconds; the demo takes about one


def stored_section(output: str, blog: str) -> str:
    """What the demo printed under "The <blog> stored", up to the next blank line."""
    return output.split(f"The {blog} stored", 1)[1].split("\n\n", 1)[0]


def test_the_demo_pings_both_ways_and_prints_what_each_blog_stored(
    pingcore: Pingcore, tmp_path: Path
) -> None:
    # From another directory, and with a DJANGO_SETTINGS_MODULE that names
    # another project: neither may change what the demo runs.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "some_other_project.settings"}
    run = pingcore("demo", env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr == ""  # quiet: only the report, on stdout

    by_flask = stored_section(run.stdout, "Flask blog")
    assert "a webmention to http://127.0.0.1:" in by_flask
    assert "/posts/on-owning-your-words/" in by_flask  # the Django post is the source
    assert "author   Ada Quill" in by_flask
    assert "excerpt  Ben makes the case for owning your words on a domain" in by_flask

    by_django = stored_section(run.stdout, "Django blog")
    assert "a pingback to http://127.0.0.1:" in by_django
    assert "/posts/reading-ada/" in by_django
    assert "author   Ben Harrow" in by_django
    assert "excerpt  Ada argues in her essay on the slow web that a page" in by_django

    assert run.stdout.rstrip().endswith("Both pings were verified and stored.")


def test_without_its_examples_the_demo_says_where_it_looked(
    pingcore: Pingcore, tmp_path: Path
) -> None:
    run = pingcore("demo", env={**os.environ, "PINGCORE_EXAMPLES": str(tmp_path)})
    assert run.returncode == 1
    assert f"PINGCORE_EXAMPLES is {tmp_path}, which has no django_blog or flask_blog" in (
        run.error_line
    )


def test_an_installed_pingcore_without_the_clone_says_so(
    pingcore: Pingcore, tmp_path: Path
) -> None:
    # pingcore as a wheel installs it: the package, and no examples/ beside it.
    shutil.copytree(ROOT / "pingcore", tmp_path / "site" / "pingcore")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    env.pop("PINGCORE_EXAMPLES", None)
    run = pingcore("demo", env=env, cwd=tmp_path)
    assert run.returncode == 1
    assert f"the demo's example sites are not at {tmp_path / 'site' / 'examples'}" in (
        run.error_line
    )
    assert "make demo" in run.error_line


class Serving:
    """``pingcore demo --serve`` in a child process, its output read line by line as it comes."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pingcore", "demo", "--serve"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.stopped: tuple[int, str] | None = None

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def read_until(self, marker: str) -> list[str]:
        while True:
            line = self.lines.get(timeout=DEMO_START)
            assert line is not None, "".join(self.output) + self.stop()[1]
            self.output.append(line)
            if marker in line:
                return self.output

    def stop(self) -> tuple[int, str]:
        """SIGTERM, as a service manager or a test runner stops it: its status and stderr."""
        if self.stopped is not None:
            return self.stopped
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        self.reader.join(timeout=5)
        while not self.lines.empty():
            line = self.lines.get_nowait()
            if line is not None:
                self.output.append(line)
        assert self.process.stdout is not None and self.process.stderr is not None
        self.process.stdout.close()
        with self.process.stderr:
            self.stopped = self.process.returncode, self.process.stderr.read()
        return self.stopped


def admin_lists_the_ping(admin_url: str, user: str, password: str, *, source: str) -> bool:
    """Log in to the Django admin as a person would, and look for the ping in its list."""
    with httpx.Client(base_url=admin_url, follow_redirects=True) as browser:
        login = browser.get("login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
        assert token is not None, login.text[:500]
        logged_in = browser.post(
            "login/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": user,
                "password": password,
                "next": "/admin/",
            },
        )
        assert logged_in.status_code == 200
        assert "Log out" in logged_in.text or "logout" in logged_in.text, logged_in.text[:500]
        pings = browser.get("pingback_storage/pingback/")
        assert pings.status_code == 200, pings.status_code
        style = browser.get(urljoin(admin_url, "/static/admin/css/base.css"))
        assert style.status_code == 200  # the admin is styled, not bare HTML
        return source in pings.text


def test_serve_keeps_both_blogs_up_with_their_pings_on_the_pages(
    pingcore: Pingcore, tmp_path: Path
) -> None:
    serving = Serving(tmp_path)
    try:
        lines = serving.read_until("Open them in a browser")
        pages = dict(
            match.groups()
            for line in lines
            if (match := re.fullmatch(r"  (Django blog|Flask blog) +(http://\S+)\n", line))
        )
        # The first of each is the blogs' roots; the last are the pinged posts.
        django_post, flask_post = pages["Django blog"], pages["Flask blog"]
        assert django_post.endswith("/posts/slow-web/")
        assert flask_post.endswith("/posts/owning-your-words/")

        django_page = httpx.get(django_post)
        endpoint = django_page.headers["X-Pingback"]
        assert endpoint.endswith("/blog/pingback/")
        assert f'<link rel="pingback" href="{endpoint}">' in django_page.text
        assert "/posts/reading-ada/" in django_page.text
        assert "by Ben Harrow, over Pingback" in django_page.text
        # A ping's words are the pinger's: HTML-escaped on the page.
        assert "Reading Ada on the slow web | Ben&#x27;s log" in django_page.text

        flask_page = httpx.get(flask_post)
        endpoint = flask_page.headers["X-Pingback"]
        assert endpoint.endswith("/pingback")
        assert f'<link rel="pingback" href="{endpoint}">' in flask_page.text
        assert 'rel="webmention"' in flask_page.headers["Link"]
        assert "/posts/on-owning-your-words/" in flask_page.text
        assert "by Ada Quill, over Webmention" in flask_page.text
        assert "On owning your words | Ada&#39;s notes" in flask_page.text

        # The admin, with the superuser the demo printed, lists the stored ping.
        admin = re.search(
            r"The Django blog's admin, where pings await approval: (http://\S+)\n"
            r"  user (\S+), password (\S+) \(made for this run only\)\n",
            "".join(lines),
        )
        assert admin is not None, "".join(lines)
        assert admin_lists_the_ping(*admin.groups(), source="/posts/reading-ada/")

        # Any client finds the endpoints: pingcore's own, here.
        found = pingcore("discover", "--allow-private", django_post)
        assert found.stdout.strip() == f"pingback {django_page.headers['X-Pingback']}"
        found = pingcore("discover", "--allow-private", flask_post)
        assert found.stdout.startswith("webmention http://127.0.0.1:")
    finally:
        status, stderr = serving.stop()
    assert status == 0
    assert "Stopped." in "".join(serving.output)
    assert "Traceback" not in stderr


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("PINGCORE_SLOW_TESTS") != "1",
    reason="PINGCORE_SLOW_TESTS=1 runs it: it clones the repository and builds a virtualenv",
)
def test_make_demo_works_in_a_fresh_clone(tmp_path: Path) -> None:
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("needs git and make")
    clone = tmp_path / "pingcore"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    # The clone's make builds its own .venv with python3 from PATH, as on a new machine.
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    done = subprocess.run(
        ["make", "demo"],
        cwd=clone,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "Traceback" not in done.stderr
