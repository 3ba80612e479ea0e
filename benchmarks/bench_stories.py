"""Benchmark the Stories page as a student meets it: `streamlit run dashboard.py` on a free local port,
driven by headless Chromium (playwright).

    python benchmarks/bench_stories.py [--db data/unvotes.sqlite] [--runs 2] [--port 0]

For every story in stories/, opens its link at step 1 and clicks **Next** through every step. Prints:
- a step: from the click on Next until the address shows the new step, its heading is drawn, the
  script has finished and its picture is on screen (target ≤ 1 s), first visit of the step
  (its picture and fact checks computed) and again on a second walk (cached), median and max;
- opening a story's link in a fresh tab (until step 1 and its picture are drawn), against the floor
  of opening the About page (text only) in a fresh tab the same way;
- the server's share of a step: the script's run after a click on Next in Streamlit's AppTest (no
  browser), warm, median and max;
- building the story's handout (server side, all pictures, pictures cached) and its size.
The machine's load average is printed with the numbers: on a shared machine it moves them most.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

CHROMIUM = "/usr/bin/chromium"
IDLE = "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') === 'notRunning'"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: str, port: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPOSITORY / "dashboard.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPOSITORY, env={**os.environ, "UNGA_DB": db}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2):
                return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not answer within 60 s")


def step_drawn(page, number: int, heading: str, has_picture: bool) -> None:
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('step') === '{number}'", timeout=60_000)
    page.locator("h2", has_text=f"{number}. {heading}").wait_for(timeout=60_000)
    page.wait_for_function(IDLE, timeout=60_000)
    if has_picture:
        page.locator("[data-testid='stImage'] img").wait_for(timeout=60_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(REPOSITORY / "data" / "unvotes.sqlite"))
    parser.add_argument("--runs", type=int, default=2, help="walks through every story (the first computes)")
    parser.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from scraper.store import data_version
    from views.stories import load_stories, step_picture, story_handout

    stories, errors = load_stories()
    if errors:
        print("stories with errors (left out):", *errors, sep="\n  ")
    process, base = start_server(args.db, args.port or free_port())
    steps: dict[int, list[float]] = {run: [] for run in range(args.runs)}
    opens: list[float] = []
    floor: list[float] = []
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for run in range(args.runs):
                for story in stories:
                    page = browser.new_page(viewport={"width": 1280, "height": 1000})
                    pictured = [bool(step_picture(args.db, data_version(args.db), step.view).svg) for step in story.steps]
                    started = time.perf_counter()
                    page.goto(f"{base}/stories?story={story.slug}&step=1")
                    step_drawn(page, 1, story.steps[0].heading, pictured[0])
                    opens.append(time.perf_counter() - started)
                    for number, step in enumerate(story.steps[1:], start=2):
                        started = time.perf_counter()
                        page.get_by_role("button", name="Next").click()
                        step_drawn(page, number, step.heading, pictured[number - 1])
                        steps[run].append(time.perf_counter() - started)
                    page.close()
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                started = time.perf_counter()
                page.goto(f"{base}/about")
                page.locator("h1", has_text="About the data").wait_for(timeout=60_000)
                page.wait_for_function(IDLE, timeout=60_000)
                floor.append(time.perf_counter() - started)
                page.close()
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=20)

    def summary(values: list[float]) -> str:
        return f"median {statistics.median(values):.2f} s, max {max(values):.2f} s ({len(values)} steps)"

    print(f"story step, first visit (picture computed): {summary(steps[0])}")
    if args.runs > 1:
        print(f"story step, again (cached):                  {summary([v for run in range(1, args.runs) for v in steps[run]])}")
    print(f"open a story link in a fresh tab:            {summary(opens)}")
    print(f"open the About page in a fresh tab (floor):  {summary(floor)}")
    os.environ["UNGA_DB"] = args.db
    from streamlit.testing.v1 import AppTest

    server: list[float] = []
    for story in stories:
        app = AppTest.from_file(str(REPOSITORY / "dashboard.py"), default_timeout=120)
        app.query_params.update({"page": "stories", "story": story.slug, "step": "1"})
        app.run()
        for _ in story.steps[1:]:
            button = next(b for b in app.button if b.key == "story_next")
            started = time.perf_counter()
            app = button.click().run()
            server.append(time.perf_counter() - started)
    print(f"server's share of a step (AppTest, warm):    {summary(server)}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    version = data_version(args.db)
    for story in stories[:3]:
        started = time.perf_counter()
        page = story_handout(args.db, version, story, "http://localhost:8501")
        print(f"handout {story.slug}: built in {time.perf_counter() - started:.2f} s, {len(page) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
