"""A real headless Chromium loads GraphiQL from the server, runs a query and shows the result."""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.parse
from collections.abc import Iterator

import pytest

from tests.server.support import Server

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium comes with the test extra")

from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

_BROWSERS = ("chromium", "chromium-browser", "google-chrome")
_DRIVERS = ("chromedriver", "chromium-driver")

_RESULT = """
const editor = document.querySelector('.result-window .CodeMirror');
return editor && editor.CodeMirror ? editor.CodeMirror.getValue() : '';
"""


def _which(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    binary = _which(_BROWSERS)
    driver_path = _which(_DRIVERS)
    if binary is None or driver_path is None:
        pytest.skip(
            "Chromium and chromedriver are not installed "
            "(Debian: apt-get install -y chromium chromium-driver; .ci/run does this)"
        )
    profile = tempfile.mkdtemp(prefix="engram-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    service = webdriver.ChromeService(executable_path=driver_path)
    try:
        driver = webdriver.Chrome(options=options, service=service)
    except WebDriverException as error:
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip(f"headless Chromium could not start: {error.msg}")
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait_for_result(driver: webdriver.Chrome, seconds: float = 60) -> dict:
    def shown(current: webdriver.Chrome) -> str | bool:
        text = current.execute_script(_RESULT)
        return text if isinstance(text, str) and text.strip().startswith("{") else False

    text = WebDriverWait(driver, seconds).until(shown)
    return json.loads(text)


def test_graphiql_runs_a_query_and_shows_the_result(browser, server: Server):
    query = (
        '{ cypher(query: "MATCH (p:Person) RETURN p.name AS name ORDER BY name LIMIT 3") '
        "{ columns rows } }"
    )
    browser.get(f"{server.url}/graphql?query={urllib.parse.quote(query)}")
    wait = WebDriverWait(browser, 60)
    key_field = wait.until(expected_conditions.presence_of_element_located((By.ID, "engram-key")))
    key_field.clear()
    key_field.send_keys(server.keys["reader"])
    browser.find_element(By.ID, "engram-key-save").click()
    run = wait.until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button"))
    )
    run.click()
    result = _wait_for_result(browser)
    assert result == {"data": {"cypher": {"columns": ["name"], "rows": [["Ada"], ["Bob"], ["Cy"]]}}}
    shown = browser.find_element(By.CSS_SELECTOR, ".result-window").text
    assert "Ada" in shown
    assert (
        browser.execute_script("return window.localStorage.getItem('engram.apiKey')")
        == (server.keys["reader"])
    )


def test_graphiql_shows_an_error_without_a_key(browser, server: Server):
    browser.get(f"{server.url}/graphql?query={urllib.parse.quote('{ me { role } }')}")
    browser.execute_script("window.localStorage.removeItem('engram.apiKey')")
    browser.refresh()
    wait = WebDriverWait(browser, 60)
    run = wait.until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button"))
    )
    run.click()
    result = _wait_for_result(browser)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
