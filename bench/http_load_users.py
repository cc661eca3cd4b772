"""The simulated users of bench/bench_http_load.py: locust as a library, one process, no web UI.

Run by the benchmark, not by hand: ``python bench/http_load_users.py PLAN.json USERS SECONDS THINK OUT.json``
(THINK: ``think`` for 1–5 s between requests, ``none`` for saturation). Each simulated user logs in
through the log-in form as one of the plan's accounts (its own session, CSRF token, the proxy's
``X-Forwarded-Proto: https`` as production runs behind TLS), then requests a weighted mix of pages and
API calls in that account's scope. Every query text is taken from the plan's pool once (no repeat
that finds its pages warm). Timings are recorded raw (locust's own percentiles are rounded to 10 ms
above 100 ms) and written to OUT.json with the failures and this process's CPU time.

Kept apart from the benchmark's Django process: locust patches the standard library for gevent.
"""

from __future__ import annotations

import json
import random
import re
import resource
import sys
import time
from collections import defaultdict
from typing import Any

import gevent
from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

PLAN_FILE, USERS, SECONDS, THINK, OUT = sys.argv[1:6]
with open(PLAN_FILE, encoding="utf-8") as handle:
    PLAN: dict[str, Any] = json.load(handle)
STAGE = OUT.rsplit("/", 1)[-1]
POOL: dict[str, list[str]] = {a["username"]: list(a["queries"]) for a in PLAN["accounts"]}
USED = {"repeats": 0}
SAMPLES: dict[str, list[float]] = defaultdict(list)
FAILURES: dict[str, int] = defaultdict(int)
FAILURE_EXAMPLES: dict[str, str] = {}
COUNTER = {"next": int(PLAN.get("account_offset", 0))}
MEASURING = {"on": False}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any, **_kw: Any) -> None:
    if not MEASURING["on"]:
        return
    SAMPLES[name].append(response_time)
    if exception is not None:
        FAILURES[name] += 1
        FAILURE_EXAMPLES.setdefault(name, str(exception)[:200])


class Member(FastHttpUser):
    host = PLAN["base_url"]
    wait_time = between(1, 5) if THINK == "think" else constant(0)
    # A browser keeps its connection; gunicorn's keep-alive (2 s) closes it between thinking requests.
    network_timeout = 120.0
    connection_timeout = 30.0

    def on_start(self) -> None:
        accounts = PLAN["accounts"]
        self.account = accounts[COUNTER["next"] % len(accounts)]
        COUNTER["next"] += 1
        self.rng = random.Random(COUNTER["next"])
        self.headers = {"X-Forwarded-Proto": "https"}
        page = self.client.get("/accounts/login/", headers=self.headers, name="login form")
        self._plain_cookies()
        token = CSRF.search(page.text or "")
        if token is None:
            raise RuntimeError(f"no CSRF token on the log-in page ({page.status_code})")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.account["username"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": token.group(1),
                "next": "",
            },
            headers={
                **self.headers,
                "Origin": PLAN["origin"],
                "Referer": PLAN["origin"] + "/accounts/login/",
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as done:
            if done.status_code != 302:
                done.failure(f"log-in refused ({done.status_code})")
        self._plain_cookies()

    def _plain_cookies(self) -> None:
        """The site sets its cookies ``Secure`` (it is told by the proxy's header that the request came
        over TLS); this plain-HTTP client must send them all the same."""
        for cookie in self.client.cookiejar:
            cookie.secure = False

    def _query(self) -> str:
        pool = POOL[self.account["username"]]
        if pool:
            return pool.pop()
        USED["repeats"] += 1
        return self.rng.choice(self.account["queries"])

    def _get(self, path: str, name: str, params: dict[str, Any] | None = None) -> None:
        with self.client.get(
            path, params=params, headers=self.headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
        self._plain_cookies()

    @task(5)
    def member_list_q(self) -> None:
        self._get("/members/", "member list ?q", {"q": self._query()})

    @task(1)
    def member_list(self) -> None:
        self._get("/members/", "member list (unit)", {"org": self.rng.choice(self.account["units"])["code"]})

    @task(3)
    def api_members_q(self) -> None:
        self._get("/api/v1/members", "API members ?q", {"q": self._query(), "limit": 50})

    @task(3)
    def member_file(self) -> None:
        self._get(f"/members/{self.rng.choice(self.account['members'])}/", "member file")

    @task(2)
    def unit_page(self) -> None:
        unit = self.rng.choice(self.account["units"])
        self._get(f"/orgs/{unit['id']}/", "unit page")
        # The page's member charts panel, which htmx fetches once the page shows.
        self._get("/members/stats/charts/", "unit charts panel", {"org": unit["code"]})

    @task(1)
    def statistics(self) -> None:
        self._get("/members/stats/", "statistics", {"org": self.rng.choice(self.account["units"])["code"]})

    @task(1)
    def worklists(self) -> None:
        self._get("/members/worklists/", "worklists", {"org": self.rng.choice(self.account["units"])["code"]})


def main() -> None:
    users = int(USERS)
    env = Environment(user_classes=[Member], events=events)
    runner = env.create_local_runner()
    started_cpu = resource.getrusage(resource.RUSAGE_SELF)
    runner.start(users, spawn_rate=max(users, 1) / 2)
    # Everyone logged in (password hashing is slow on purpose) before the measured window.
    deadline = time.monotonic() + 60 + users * 3
    while (runner.user_count < users or runner.stats.get("login", "POST").num_requests < users) and (
        time.monotonic() < deadline
    ):
        gevent.sleep(0.2)
    gevent.sleep(1)
    MEASURING["on"] = True
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    wall0 = time.monotonic()
    gevent.sleep(float(SECONDS))
    MEASURING["on"] = False
    wall = time.monotonic() - wall0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    runner.quit()
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    with open(OUT, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "users": users,
                "think": THINK,
                "wall_seconds": wall,
                "cpu_seconds": cpu,
                "cpu_seconds_total": (cpu1.ru_utime + cpu1.ru_stime)
                - (started_cpu.ru_utime + started_cpu.ru_stime),
                "samples": SAMPLES,
                "failures": FAILURES,
                "failure_examples": FAILURE_EXAMPLES,
                "query_repeats": USED["repeats"],
                "logins": runner.stats.get("login", "POST").num_requests,
            },
            handle,
        )


if __name__ == "__main__":
    main()
