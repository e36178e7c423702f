"""docker-compose.yml validates and runs the full stack the README describes."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = Path(sys.executable).parent / "docker-compose"


def compose_config() -> dict:
    result = subprocess.run(
        [COMPOSE, "--project-directory", ROOT, "config", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)},
    )
    return json.loads(result.stdout)


def test_compose_config_has_full_stack_with_health_checks():
    services = compose_config()["services"]
    assert sorted(services) == ["beat", "mailpit", "postgres", "proxy", "redis", "web", "worker"]
    assert sorted(name for name, s in services.items() if "healthcheck" in s) == [
        "mailpit",
        "postgres",
        "proxy",
        "redis",
        "web",
        "worker",
    ]
    assert services["postgres"]["volumes"][0]["target"] == "/var/lib/postgresql/data"


def test_compose_app_services_share_readme_environment():
    services = compose_config()["services"]
    readme = (ROOT / "README.md").read_text()
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"] == "postgres://alliance:alliance@postgres:5432/alliance"
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["EMAIL_URL"] == "smtp://mailpit:1025"
        assert [v for v in environment if f"`{v}`" not in readme] == []


def test_compose_only_proxy_is_published_for_the_site():
    services = compose_config()["services"]
    published = {name: [p["published"] for p in s.get("ports", [])] for name, s in services.items()}
    assert published == {
        "beat": [],
        "mailpit": ["8025"],
        "postgres": [],
        "proxy": ["8000"],
        "redis": [],
        "web": [],
        "worker": [],
    }
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert proxy["volumes"][0]["source"] == str(
        ROOT / "alliance" / "deploy" / "nginx.conf.template"
    )
    assert proxy["environment"] == {"ALLIANCE_UPSTREAM": "web:8000", "ALLIANCE_LISTEN": "80"}
    assert "-c python:alliance.gunicorn_conf" in " ".join(services["web"]["command"])
