import pytest


@pytest.mark.parametrize("https", [False, True], ids=["http", "https-redirect-on"])
def test_healthz_answers_any_host_over_plain_http(client, settings, https):
    settings.ALLOWED_HOSTS = ["days.example.org"]
    settings.SECURE_SSL_REDIRECT = https

    response = client.get("/healthz", HTTP_HOST="172.18.0.5:8000")

    assert (response.status_code, response.content, response["Content-Type"]) == (
        200,
        b"ok",
        "text/plain",
    )
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_other_paths_keep_host_validation_and_redirect(client, settings):
    settings.ALLOWED_HOSTS = ["days.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/", HTTP_HOST="172.18.0.5:8000").status_code == 400
    response = client.get("/privacy/", HTTP_HOST="days.example.org")
    assert (response.status_code, response["Location"]) == (
        301,
        "https://days.example.org/privacy/",
    )
