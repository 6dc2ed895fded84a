"""oxide.lib.browser against the official SDK 3.63's openai.lib.browser.

The toolsets make no API calls: each test gives both libraries' toolsets the same fake browser
(a real test double of the caller-owned driver) and the same function calls, and compares the
tool definitions, the outputs sent back to the model, the driver calls, the diagnostics and the
errors.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import openai.lib.browser as sdk_browser
import pytest
from openai.types.responses import ResponseFunctionToolCall as SdkCall

import oxide.lib.browser as browser
from oxide._models import convert
from oxide.lib._browser_url import parse_origin
from oxide.types.responses import ResponseFunctionToolCall

IMAGE = {"type": "input_image", "image_url": "data:image/png;base64,AAAA", "detail": "high"}
TABS = [
    {
        "id": "t1",
        "title": "Home",
        "url": "https://user:pw@Example.COM:443/a?token=x",
        "active": True,
    },
    {"id": "t2", "title": "Docs", "url": "http://docs.example.com:8080/", "active": False},
]


class FakeBrowser:
    """A fake browser: records every member call; `results` gives what a member returns."""

    def __init__(self, **results: Any) -> None:
        self.log: list[tuple[str, Any]] = []
        self.results = results
        self.tabs = [dict(tab) for tab in TABS]
        self.observation: dict[str, Any] | None = None

    def state(self) -> Any:
        self.log.append(("state", None))
        if "state" in self.results:
            return self.results["state"]
        state: dict[str, Any] = {"tabs": [dict(tab) for tab in self.tabs]}
        if self.observation is not None:
            state["observation"] = json.loads(json.dumps(self.observation))
        return state

    def _do(self, member: str, action: Any) -> Any:
        self.log.append((member, action))
        result = self.results.get(member)
        if isinstance(result, Exception):
            raise result
        return result

    def navigate(self, action: Any) -> Any:
        return self._do("navigate", action)

    def read_page(self, action: Any) -> Any:
        return self._do("read_page", action)

    def get_page_text(self, action: Any) -> Any:
        return self._do("get_page_text", action)

    def find(self, action: Any) -> Any:
        return self._do("find", action)

    def click(self, action: Any) -> Any:
        return self._do("click", action)

    def type(self, action: Any) -> Any:
        return self._do("type", action)

    def key(self, action: Any) -> Any:
        return self._do("key", action)

    def scroll(self, action: Any) -> Any:
        return self._do("scroll", action)

    def screenshot(self, action: Any) -> Any:
        return self._do("screenshot", action)

    def zoom(self, action: Any) -> Any:
        return self._do("zoom", action)

    def new_tab(self, action: Any) -> Any:
        return self._do("new_tab", action)

    def click_at(self, action: Any) -> Any:
        return self._do("click_at", action)

    def run_script(self, action: Any) -> Any:
        return self._do("run_script", action)

    def upload_file(self, action: Any) -> Any:
        return self._do("upload_file", action)

    def read_page_scoped(self, action: Any) -> Any:
        return self._do("read_page_scoped", action)


class ReadOnlyBrowser:
    def __init__(self) -> None:
        self.log: list[tuple[str, Any]] = []

    def state(self) -> Any:
        return {"tabs": [dict(tab) for tab in TABS]}

    def read_page(self, action: Any) -> str:
        self.log.append(("read_page", action))
        return "page text"

    def screenshot(self, action: Any) -> Any:
        return dict(IMAGE)


class AsyncFakeBrowser:
    def __init__(self, **results: Any) -> None:
        self.sync = FakeBrowser(**results)

    @property
    def log(self) -> list[tuple[str, Any]]:
        return self.sync.log

    async def state(self) -> Any:
        await asyncio.sleep(0)
        return self.sync.state()

    async def navigate(self, action: Any) -> Any:
        return self.sync.navigate(action)

    async def read_page(self, action: Any) -> Any:
        return self.sync.read_page(action)

    async def click(self, action: Any) -> Any:
        return self.sync.click(action)

    async def screenshot(self, action: Any) -> Any:
        return self.sync.screenshot(action)


def call(name: str, arguments: Any, *, call_id: str = "call_1", **fields: Any) -> dict[str, Any]:
    item = {
        "type": "function_call",
        "id": "fc_" + call_id,
        "call_id": call_id,
        "name": name,
        "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
        "status": "completed",
    }
    item.update(fields)
    return item


def _observer() -> tuple[list[dict[str, Any]], Callable[[Any], None]]:
    seen: list[dict[str, Any]] = []
    return seen, lambda event: seen.append({k: v for k, v in event.items() if k != "duration_ms"})


def _outcome(run: Callable[[], Any]) -> dict[str, Any]:
    try:
        return {"output": run()}
    except Exception as exc:
        return {"error": (type(exc).__name__, str(exc))}


def both(
    item: dict[str, Any],
    *,
    driver: Callable[[], Any] = FakeBrowser,
    setup: Callable[[Any], None] | None = None,
    **options: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Execute one call with oxide's and the SDK's BrowserToolset; what each returned and did."""
    outcomes = []
    for module, parsed in (
        (browser, convert(ResponseFunctionToolCall, item)),
        (sdk_browser, SdkCall.model_validate(item)),
    ):
        fake = driver()
        if setup is not None:
            setup(fake)
        seen, observe = _observer()
        execute_options = {k: options.pop(k) for k in ("cancelled",) if k in options}
        outcome = _outcome(
            lambda m=module, f=fake, p=parsed, o=observe, e=execute_options: m.BrowserToolset(
                f, **options
            ).execute(p, on_diagnostic=o, **e)
        )
        options.update(execute_options)
        outcome.update(driver=fake.log, diagnostics=seen)
        outcomes.append(outcome)
    return outcomes[0], outcomes[1]


def approve_all(context: Any, *rest: Any) -> bool:
    return True


FULL = {"confirm": approve_all, "url_policy": approve_all}


# --------------------------------------------------------------------------------------------
# Tool definitions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        {**FULL},
        {**FULL, "members": ["navigate", "click", "list_tabs"]},
        {**FULL, "additional_members": ["click_at", "run_script", "upload_file"]},
        {**FULL, "confirm_reads": ["read_page", "screenshot"]},
        {"members": ["read_page", "screenshot"]},
    ],
)
def test_tools_match_the_sdk(config: dict[str, Any]) -> None:
    mine = browser.BrowserToolset(FakeBrowser(), **config).tools
    theirs = sdk_browser.BrowserToolset(FakeBrowser(), **config).tools
    assert mine == theirs
    assert all(tool["strict"] is True and tool["name"].startswith("browser_") for tool in mine)


def test_default_tools_cover_the_driver_and_read_only_needs_no_confirm() -> None:
    names = [tool["name"] for tool in browser.BrowserToolset(ReadOnlyBrowser()).tools]
    assert names == ["browser_read_page", "browser_screenshot", "browser_list_tabs"]
    assert browser.DEFAULT_BROWSER_MEMBERS == sdk_browser.DEFAULT_BROWSER_MEMBERS
    assert browser.BROWSER_MEMBERS == sdk_browser.BROWSER_MEMBERS


@pytest.mark.parametrize(
    "config",
    [
        {},  # state-changing members need confirm
        {"confirm": approve_all},  # navigation needs url_policy
        {**FULL, "members": ["click"], "additional_members": ["click_at"]},
        {**FULL, "members": ["teleport"]},
        {**FULL, "members": ["click", "click"]},
        {**FULL, "members": "click"},
        {**FULL, "members": ["hold_keys"]},  # not implemented by the driver
        {**FULL, "confirm_reads": ["click"]},
        {**FULL, "confirm_reads": "read_page"},
        {"members": ["read_page"], "confirm_reads": ["read_page"]},
    ],
)
def test_construction_errors_match_the_sdk(config: dict[str, Any]) -> None:
    with pytest.raises(ValueError) as mine:
        browser.BrowserToolset(FakeBrowser(), **config)
    with pytest.raises(ValueError) as theirs:
        sdk_browser.BrowserToolset(FakeBrowser(), **config)
    assert str(mine.value) == str(theirs.value)


def test_driver_flavor_is_checked() -> None:
    class Annotated(FakeBrowser):
        def click(self, action: Any) -> None:  # known not to return an awaitable
            self.log.append(("click", action))

    for toolset, driver, raises in (
        (browser.BrowserToolset, AsyncFakeBrowser(), True),
        (browser.AsyncBrowserToolset, Annotated(), True),
        # `-> Any` methods cannot be classified without calling them: accepted by both.
        (browser.AsyncBrowserToolset, FakeBrowser(), False),
    ):
        sdk_toolset = getattr(sdk_browser, toolset.__name__)
        mine = _outcome(lambda t=toolset, d=driver: t(d, **FULL).tools)
        theirs = _outcome(lambda t=sdk_toolset, d=driver: t(d, **FULL).tools)
        assert mine == theirs
        assert ("error" in mine) is raises
        if raises:
            assert mine["error"][0] == "ValueError" and "wrong method flavor" in mine["error"][1]


# --------------------------------------------------------------------------------------------
# execute()
# --------------------------------------------------------------------------------------------

READ_REPORT = {
    "version": 1,
    "text": "Sign in",
    "elements": [
        {"ref": "e1", "role": "textbox", "label": "Email", "value": "", "internal": 1},
        {"ref": "e2", "role": "checkbox", "label": "Remember", "checked": True},
        {
            "ref": "e3",
            "role": "listbox",
            "label": "Plan",
            "options": [{"label": "Free", "value": "f", "selected": True}],
        },
    ],
    "omitted": ["private"],
}


@pytest.mark.parametrize(
    ("item", "results"),
    [
        (call("browser_list_tabs", {}), {}),
        (call("browser_navigate", {"url": "https://example.com", "tab_id": None}), {}),
        (call("browser_click", {"target": "e1", "tab_id": "t1"}), {"click": "clicked"}),
        (call("browser_read_page", {"tab_id": None, "filter": "all"}), {"read_page": "text"}),
        (call("browser_read_page", {"tab_id": None, "filter": "all"}), {"read_page": READ_REPORT}),
        (call("browser_read_page", {"tab_id": None, "filter": "all"}), {"read_page": {"v": 2}}),
        (call("browser_get_page_text", {"tab_id": None}), {"get_page_text": None}),
        (call("browser_screenshot", {"tab_id": None}), {"screenshot": IMAGE}),
        (call("browser_screenshot", {"tab_id": None}), {"screenshot": {"type": "input_image"}}),
        (call("browser_zoom", {"tab_id": None, "region": [0, 0, 10, 10]}), {"zoom": IMAGE}),
        (call("browser_zoom", {"tab_id": None, "region": [5, 0, 1, 10]}), {}),
        (call("browser_click", {"target": "e1", "tab_id": None}), {"click": OSError("boom")}),
        (call("browser_click", {"target": "e1", "tab_id": None}), {"click": 42}),
        (call("browser_click", "{not json"), {}),
        (call("browser_click", {"target": "e1"}), {}),
        (call("browser_click", {"target": 1, "tab_id": None}), {}),
        (call("browser_scroll", {"direction": "up", "amount": -1, "tab_id": None}), {}),
        (call("browser_teleport", {}), {}),
        (
            call(
                "browser_click_at",
                {"tab_id": None, "x": 1, "y": 2, "button": "left", "click_count": 1, "keys": []},
            ),
            {},
        ),
        (call("browser_click", {"target": "e1", "tab_id": None}, status="in_progress"), {}),
        (call("browser_type", {"text": "hi", "target": None, "tab_id": None}), {}),
        (call("browser_key", {"keys": ["Control", "a"], "tab_id": None}), {}),
        (call("browser_new_tab", {"url": None}), {"new_tab": "t3"}),
        (call("browser_find", {"query": "email", "tab_id": None}), {"find": READ_REPORT}),
        (call("browser_list_tabs", {}), {"state": {"tabs": "nope"}}),
        (call("browser_list_tabs", {}), {"state": {"tabs": [{**TABS[0], "url": "ftp://x/y"}]}}),
        (call("browser_list_tabs", {}), {"state": {"tabs": [{**TABS[0], "url": "about:blank"}]}}),
        (
            call("browser_list_tabs", {}),
            {"state": {"tabs": [TABS[0], {**TABS[1], "active": True}]}},
        ),
        (call("browser_list_tabs", {}), {"state": {"tabs": [{**TABS[0], "url": "no-scheme"}]}}),
    ],
)
def test_execute_matches_the_sdk(item: dict[str, Any], results: dict[str, Any]) -> None:
    mine, theirs = both(item, driver=lambda: FakeBrowser(**results), **FULL)
    assert mine == theirs


def test_execute_output_spelled_out() -> None:
    mine, _ = both(
        call("browser_click", {"target": "e1", "tab_id": "t1"}),
        driver=lambda: FakeBrowser(click="clicked"),
        **FULL,
    )
    output = mine["output"]
    assert output["type"] == "function_call_output" and output["call_id"] == "call_1"
    payload = json.loads(output["output"][0]["text"])
    assert payload == {
        "ok": True,
        "state": {
            "tabs": [
                {"id": "t1", "title": "Home", "url": "https://example.com", "active": True},
                {
                    "id": "t2",
                    "title": "Docs",
                    "url": "http://docs.example.com:8080",
                    "active": False,
                },
            ]
        },
        "result": "clicked",
    }
    assert mine["driver"] == [
        ("state", None),
        ("click", {"target": "e1", "tab_id": "t1"}),
        ("state", None),
    ]
    assert [(d["stage"], d["reason"]) for d in mine["diagnostics"]] == [
        ("approval", "completed"),
        ("action", "completed"),
    ]


def test_screenshot_output_carries_the_image() -> None:
    mine, _ = both(
        call("browser_screenshot", {"tab_id": None}),
        driver=lambda: FakeBrowser(screenshot={**IMAGE, "image_url": "data:x"}),
        **FULL,
    )
    assert mine["output"]["output"][1] == {**IMAGE, "image_url": "data:x"}


@pytest.mark.parametrize("answer", [False, None, "yes"])
def test_refusals_match_the_sdk(answer: Any) -> None:
    navigate = call("browser_navigate", {"url": "https://evil.example", "tab_id": None})
    mine, theirs = both(navigate, confirm=approve_all, url_policy=lambda ctx, url: answer)
    assert mine == theirs
    assert "Browser navigation was not approved." in mine["output"]["output"][0]["text"]
    assert ("navigate", {"url": "https://evil.example", "tab_id": None}) not in mine["driver"]
    click = call("browser_click", {"target": "e1", "tab_id": None})
    mine, theirs = both(click, confirm=lambda ctx: answer, url_policy=approve_all)
    assert mine == theirs
    assert mine["diagnostics"][0]["reason"] == "refused"


def test_confirm_receives_the_context() -> None:
    contexts: list[Any] = []

    def confirm(context: Any) -> bool:
        contexts.append(context)
        context["arguments"]["target"] = "tampered"  # a copy: the driver still gets e1
        return True

    mine, _ = both(
        call("browser_click", {"target": "e1", "tab_id": None}),
        confirm=confirm,
        url_policy=approve_all,
    )
    assert contexts[0]["member"] == "click" and contexts[0]["call_id"] == "call_1"
    assert contexts[0]["state"]["tabs"][0]["url"] == "https://example.com"
    assert ("click", {"target": "e1", "tab_id": None}) in mine["driver"]
    assert contexts[0] == contexts[1]


def test_policy_errors_become_refusals() -> None:
    def broken(context: Any) -> bool:
        raise LookupError("policy store down")

    mine, theirs = both(
        call("browser_click", {"target": "e1", "tab_id": None}),
        confirm=broken,
        url_policy=approve_all,
    )
    assert mine == theirs
    assert '"error": "Browser action failed."' in mine["output"]["output"][0]["text"]
    assert mine["diagnostics"][0]["reason"] == "policy_failed"


def test_confirm_reads() -> None:
    asked: list[Any] = []

    def confirm(context: Any) -> bool:
        asked.append(context)
        return context.get("phase") != "before_read"

    mine, theirs = both(
        call("browser_read_page", {"tab_id": None, "filter": "all"}),
        confirm=confirm,
        url_policy=approve_all,
        confirm_reads=["read_page"],
    )
    assert mine == theirs
    assert (
        mine["output"]["output"][0]["text"]
        == '{"ok":false,"error":"Browser read was not approved."}'
    )
    assert mine["driver"] == []
    assert asked[0] == {
        "member": "read_page",
        "arguments": {"tab_id": None, "filter": "all"},
        "state": None,
        "call_id": "call_1",
        "phase": "before_read",
    }


def test_explicit_members_and_their_results() -> None:
    options = {**FULL, "additional_members": ["run_script", "upload_file", "read_page_scoped"]}
    cases = [
        (
            call("browser_run_script", {"tab_id": None, "source": "1+1", "timeout_ms": 100}),
            {"run_script": "2"},
        ),
        (
            call("browser_run_script", {"tab_id": None, "source": "1+1", "timeout_ms": 100}),
            {"run_script": 2},
        ),
        (
            call("browser_upload_file", {"grant_id": "g1"}),
            {
                "upload_file": {
                    "version": 1,
                    "status": "refused",
                    "effect": "none",
                    "cleanup": "completed",
                }
            },
        ),
        (call("browser_upload_file", {"grant_id": "g1"}), {"upload_file": {"version": 1}}),
        (
            call(
                "browser_read_page_scoped",
                {"tab_id": None, "root": None, "depth": 2, "filter": "all"},
            ),
            {"read_page_scoped": {**READ_REPORT, "scopes": [{"ref": "s1", "label": "Main"}]}},
        ),
        (
            call(
                "browser_read_page_scoped",
                {"tab_id": None, "root": None, "depth": 2, "filter": "all"},
            ),
            {"read_page_scoped": {**READ_REPORT, "scopes": [{"ref": "e1", "label": "Dup"}]}},
        ),
    ]
    for item, results in cases:
        mine, theirs = both(item, driver=lambda r=results: FakeBrowser(**r), **options)
        assert mine == theirs, item["name"]


def test_disabled_explicit_member_is_an_error() -> None:
    item = call("browser_run_script", {"tab_id": None, "source": "1", "timeout_ms": 1})
    mine, theirs = both(item, **FULL)
    assert mine == theirs
    assert mine["error"] == ("BrowserError", "Browser tool is disabled.")


def test_observed_state() -> None:
    observation = {
        "version": 1,
        "sequence": 3,
        "dropped_changes": 1,
        "title_truncated": False,
        "changes": [
            {"type": "tab_opened", "sequence": 2, "tab_id": "t2"},
            {"type": "download", "sequence": 3, "tab_id": None, "status": "blocked"},
        ],
    }

    def observed(fake: Any) -> None:
        fake.observation = observation
        fake.tabs[0]["title"] = "x" * 2000
        fake.tabs[1]["url"] = "http://[::FFFF:1.2.3.4]:80/x"

    mine, theirs = both(call("browser_list_tabs", {}), setup=observed, **FULL)
    assert mine == theirs
    state = json.loads(mine["output"]["output"][0]["text"])["state"]
    assert state["observation"]["title_truncated"] is True
    assert state["tabs"][1]["url"] == "http://[::ffff:102:304]"
    assert len(state["tabs"][0]["title"]) == 1024


@pytest.mark.parametrize(
    "url",
    [
        "https://Example.COM:443/x",
        "http://[::1]:8080",
        "http://1.2.3.4",
        "http://1.2.3",
        "http://01.2.3.4",
        "http://ex%41mple.com",
        "http://bücher.example/",
        "http://under_score.example",
        "http://a..b",
        "https://example.com:99999",
        "HTTP://EXAMPLE.com:80",
        "ftp://example.com",
        "about:blank",
        "http://user@host.example",
    ],
)
def test_observed_tab_origins_match_the_sdk(url: str) -> None:
    def observed(fake: Any) -> None:
        fake.observation = {
            "version": 1,
            "sequence": 0,
            "dropped_changes": 0,
            "title_truncated": False,
            "changes": [],
        }
        fake.tabs[1]["url"] = url

    mine, theirs = both(call("browser_list_tabs", {}), setup=observed, **FULL)
    assert mine == theirs


def test_changed_history_between_reports_is_refused() -> None:
    reports = iter([2, 1])

    class Rewinding(FakeBrowser):
        def state(self) -> Any:
            self.observation = {
                "version": 1,
                "sequence": next(reports),
                "dropped_changes": 0,
                "title_truncated": False,
                "changes": [],
            }
            self.observation["changes"] = [
                {"type": "navigation", "sequence": n + 1, "tab_id": "t1"}
                for n in range(self.observation["sequence"])
            ]
            return super().state()

    with pytest.raises(RuntimeError, match="Browser state report failed."):
        browser.BrowserToolset(Rewinding(), **FULL).execute(
            convert(ResponseFunctionToolCall, call("browser_list_tabs", {}))
        )


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pw@example.com/path?api_key=1&x-amz-signature=2&page=3#frag",
        "http://example.com/?q=1",
        "https://example.com/a/b?Access-Token=t",
    ],
)
def test_legacy_state_url_matches_the_sdk(url: str) -> None:
    assert browser._legacy_state_url(url) == sdk_browser._legacy_state_url(url)
    with pytest.raises(RuntimeError, match="Browser URL is invalid."):
        browser._legacy_state_url("http:///nohost")


def test_origin_parser_matches_httpx2() -> None:
    import httpx2

    for scheme, authority in [
        ("https", "Example.COM"),
        ("HTTPS", "example.com:443"),
        ("http", "[::1]:8080"),
        ("http", "[fe80::1%25eth0]"),
        ("http", "a b"),
        ("http", "ex%41mple.com"),
        ("http", "中国.icom.museum"),
        ("http", "example.com:+80"),
        ("http", "example.com:"),
        ("http", "a]b:1"),
        ("http", "ß.de"),
    ]:
        url = httpx2.URL(f"{scheme}://{authority}")
        origin = parse_origin(scheme, authority)
        assert (origin.scheme, origin.host, origin.port, origin.netloc) == (
            url.scheme,
            url.raw_host.decode(),
            url.port,
            url.netloc.decode(),
        )
    for scheme, authority in [("http", "999.1.1.1"), ("http", "host:x"), ("http", "a\tb")]:
        with pytest.raises(ValueError):
            parse_origin(scheme, authority)
        with pytest.raises(httpx2.InvalidURL):
            httpx2.URL(f"{scheme}://{authority}")


# --------------------------------------------------------------------------------------------
# Cancellation, lifecycle, async
# --------------------------------------------------------------------------------------------


def test_cancellation_raises_and_is_reported() -> None:
    for module in (browser, sdk_browser):
        fake = FakeBrowser()
        seen, observe = _observer()
        parsed = (
            convert(
                ResponseFunctionToolCall, call("browser_click", {"target": "e1", "tab_id": None})
            )
            if module is browser
            else SdkCall.model_validate(call("browser_click", {"target": "e1", "tab_id": None}))
        )
        with pytest.raises(module.BrowserCancelledError, match="Browser execution was cancelled."):
            module.BrowserToolset(fake, **FULL).execute(
                parsed,
                cancelled=lambda f=fake: any(m == "click" for m, _ in f.log),
                on_diagnostic=observe,
            )
        assert [(d["stage"], d["reason"]) for d in seen] == [
            ("approval", "completed"),
            ("action", "cancelled"),
        ]


def test_lifecycle() -> None:
    toolset = browser.BrowserToolset(ReadOnlyBrowser())
    item = convert(ResponseFunctionToolCall, call("browser_list_tabs", {}))
    assert toolset.execute(item)["call_id"] == "call_1"
    assert toolset.close() == {"status": "closed"}
    with pytest.raises(RuntimeError, match="Browser toolset is closed."):
        toolset.execute(item)


def test_sync_driver_returning_an_awaitable() -> None:
    class Sneaky(FakeBrowser):
        def click(self, action):  # type: ignore[no-untyped-def]  # unannotated: flavor unknown
            async def later() -> None: ...

            return later()

    mine, theirs = both(
        call("browser_click", {"target": "e1", "tab_id": None}), driver=Sneaky, **FULL
    )
    assert mine == theirs
    assert '"error": "Browser action failed."' in mine["output"]["output"][0]["text"]


def test_skip_reports_without_executing() -> None:
    toolset = browser.BrowserToolset(FakeBrowser(), **FULL)
    output, ok = toolset._execute(
        convert(ResponseFunctionToolCall, call("browser_click", {"target": "e1", "tab_id": None})),
        skip=True,
    )
    assert ok is False
    assert (
        "Not executed: an earlier browser action in this turn failed."
        in output["output"][0]["text"]
    )
    assert ("click", {"target": "e1", "tab_id": None}) not in toolset.driver.log  # type: ignore[attr-defined]


async def _async_both(
    item: dict[str, Any], results: dict[str, Any] | None = None, **options: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    outcomes = []
    for module, parsed in (
        (browser, convert(ResponseFunctionToolCall, item)),
        (sdk_browser, SdkCall.model_validate(item)),
    ):
        fake = AsyncFakeBrowser(**(results or {"read_page": "text", "screenshot": IMAGE}))
        seen, observe = _observer()
        outcome: dict[str, Any] = {}
        try:
            toolset = module.AsyncBrowserToolset(fake, **options)
            outcome["output"] = await toolset.execute(parsed, on_diagnostic=observe)
        except Exception as exc:
            outcome["error"] = (type(exc).__name__, str(exc))
        outcome.update(driver=fake.log, diagnostics=seen)
        outcomes.append(outcome)
    return outcomes[0], outcomes[1]


async def _yes(context: Any, *rest: Any) -> bool:
    return True


async def _no(context: Any, *rest: Any) -> bool:
    return False


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("item", "options"),
    [
        (
            call("browser_read_page", {"tab_id": None, "filter": "all"}),
            {"confirm": _yes, "url_policy": _yes},
        ),
        (call("browser_screenshot", {"tab_id": None}), {"confirm": _yes, "url_policy": _yes}),
        (
            call("browser_click", {"target": "e1", "tab_id": None}),
            {"confirm": _no, "url_policy": _yes},
        ),
        (
            call("browser_navigate", {"url": "https://a.example", "tab_id": None}),
            {"confirm": _yes, "url_policy": _no},
        ),
        (
            call("browser_navigate", {"url": "https://a.example", "tab_id": None}),
            {"confirm": _yes, "url_policy": _yes},
        ),
        (
            call("browser_read_page", {"tab_id": None, "filter": "all"}),
            {"confirm": _no, "url_policy": _yes, "confirm_reads": ["read_page"]},
        ),
    ],
)
async def test_async_execute_matches_the_sdk(item: dict[str, Any], options: dict[str, Any]) -> None:
    mine, theirs = await _async_both(item, **options)
    assert mine == theirs
    assert "output" in mine


def _sync_yes(context: Any, *rest: Any) -> bool:
    return True


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("results", "options"),
    [
        ({"click": OSError("boom")}, {"confirm": _yes, "url_policy": _yes}),
        ({"click": "done"}, {"confirm": _sync_yes, "url_policy": _yes}),  # not awaitable
        ({"state": {"tabs": []}, "click": None}, {"confirm": _yes, "url_policy": _yes}),
        ({"state": {"tabs": 1}}, {"confirm": _yes, "url_policy": _yes}),
    ],
)
async def test_async_failures_match_the_sdk(
    results: dict[str, Any], options: dict[str, Any]
) -> None:
    item = call("browser_click", {"target": "e1", "tab_id": None})
    mine, theirs = await _async_both(item, results, **options)
    assert mine == theirs


@pytest.mark.asyncio
async def test_async_tools_and_cancellation() -> None:
    toolset = browser.AsyncBrowserToolset(AsyncFakeBrowser(), confirm=_yes, url_policy=_yes)
    sdk_toolset = sdk_browser.AsyncBrowserToolset(AsyncFakeBrowser(), confirm=_yes, url_policy=_yes)
    assert toolset.tools == sdk_toolset.tools
    with pytest.raises(browser.BrowserCancelledError):
        await toolset.execute(
            convert(ResponseFunctionToolCall, call("browser_list_tabs", {})), cancelled=lambda: True
        )


def test_public_names_match_the_sdk() -> None:
    import oxide.compat.lib.browser as compat_browser

    assert sorted(browser.__all__) == sorted(sdk_browser.__all__)
    for name in browser.__all__:
        assert getattr(compat_browser, name) is getattr(browser, name)
