"""Property-based fuzzing of the API's inputs: whatever a client sends, the answer is a documented status with a
JSON error in Chinese — never a 500, never a traceback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app

CJK = re.compile(r"[\u4e00-\u9fff]")
ALLOWED = {200, 201, 400, 404, 409, 413, 422, 429}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
                derandomize=True)

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=60)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
proposers = st.fixed_dictionaries(
    {"name": st.text(max_size=60), "phone": st.text(alphabet="0123456789-+() x", max_size=25)},
    optional={"occupation": st.text(max_size=60), "address": st.text(max_size=80)},
)
ideas = st.fixed_dictionaries(
    {"text": st.text(max_size=80) | st.just("建议在地铁站出口划定共享单车停放区，方便行人通行。"),
     "proposer": proposers | json_values, "consent": st.booleans() | json_scalars},
    optional={"idempotency_key": st.text(max_size=140), "channel": st.text(max_size=8), "extra": json_values},
)


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory, indexed_data_dir: Any, mini_corpus: Any
                ) -> Iterator[TestClient]:
    import shutil

    from tests.api.helpers import make_container

    data_dir = tmp_path_factory.mktemp("fuzz") / "var"
    shutil.copytree(indexed_data_dir, data_dir)
    with TestClient(create_app(make_container(data_dir, mini_corpus)), raise_server_exceptions=False) as client:
        yield client


def _checked(response: Any) -> None:
    assert response.status_code in ALLOWED, (response.status_code, response.text[:500])
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"error"} and CJK.search(body["error"]["message"]), body
        assert "Traceback" not in response.text


@FUZZ
@given(body=ideas | json_values)
def test_submissions(fuzz_client: TestClient, body: Any) -> None:
    _checked(fuzz_client.post("/api/v1/ideas", content=json.dumps(body), headers={"content-type": "application/json"}))


@FUZZ
@given(raw=st.binary(max_size=300))
def test_raw_bodies(fuzz_client: TestClient, raw: bytes) -> None:
    _checked(fuzz_client.post("/api/v1/ideas", content=raw, headers={"content-type": "application/json"}))


@FUZZ
@given(receipt=st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#%"),
                       min_size=1, max_size=40).filter(lambda r: r.strip(".")),  # "." and ".." are URL steps
       phone=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
       answers=json_values)
def test_look_ups_and_answers(fuzz_client: TestClient, receipt: str, phone: str, answers: Any) -> None:
    headers = {"X-Phone": phone}
    path = quote(receipt, safe="")
    _checked(fuzz_client.get(f"/api/v1/ideas/{path}", headers=headers))
    _checked(fuzz_client.post(f"/api/v1/ideas/{path}/answers", headers=headers,
                              content=json.dumps({"answers": answers})))


@FUZZ
@given(username=st.text(max_size=150), password=st.text(max_size=100), token=st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=300))
def test_log_in_and_tokens(fuzz_client: TestClient, username: str, password: str, token: str) -> None:
    _checked(fuzz_client.post("/api/v1/auth/token", json={"username": username, "password": password}))
    response = fuzz_client.get("/api/v1/staff/queue", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and CJK.search(response.json()["error"]["message"])
