"""The public pages answer, and unknown addresses say so plainly."""

from __future__ import annotations


def test_home_page_offers_sign_in(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert b"Consensus first" in page.data


def test_unknown_organisation_is_a_plain_404(client) -> None:
    page = client.get("/org/nowhere/")
    assert page.status_code == 404
    assert b"This page does not exist." in page.data


def test_health_check(client) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_api_without_token_is_refused_in_json(client, demo) -> None:
    answer = client.get("/api/v1/organisations/wri")
    assert answer.status_code == 401
    assert "API token" in answer.get_json()["error"]["message"]


def test_openapi_document_lists_operations(client) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert "/organisations/{slug}" in doc["paths"]
    assert doc["paths"]["/organisations"]["post"]["requestBody"]["required"] is True
