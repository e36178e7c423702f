"""The proxy of docker-compose.yml run by Debian's nginx: the same template, filled in as the
official image fills it in, inside a main configuration that keeps every file in one folder."""

import os
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .processes import ROOT, free_port, started, wait_until

NGINX = Path("/usr/sbin/nginx")
TEMPLATE = ROOT / "alliance" / "deploy" / "nginx.conf.template"


def nginx_config(folder: Path, *, upstreams: list[str], listen: str) -> Path:
    """Write the configuration for web at `upstreams` (host:port, one per host), listening on
    `listen`; return the path of the main file, for `nginx -p folder -c <it>`."""
    site = TEMPLATE.read_text()
    servers = "\n    ".join(f"server {upstream};" for upstream in upstreams)
    site = site.replace("server ${ALLIANCE_UPSTREAM};", servers)
    site = site.replace("${ALLIANCE_LISTEN}", listen)
    (folder / "site.conf").write_text(site)
    temp = folder / "temp"
    temp.mkdir(exist_ok=True)
    paths = "\n".join(
        f"    {kind}_temp_path {temp};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {folder}/nginx.pid;\nerror_log stderr;\n"
        + "events { worker_connections 4096; }\n"
        + f"http {{\n{paths}\n    include {folder}/site.conf;\n}}\n"
    )
    return main


@contextmanager
def nginx(folder: Path, upstreams: list[str], env: dict[str, str], port: int | None = None):
    """nginx in front of `upstreams` on loopback (`port`, or a free one), once /healthz answers
    through it; yields its URL."""
    url = f"http://127.0.0.1:{port or free_port()}"
    main = nginx_config(folder, upstreams=upstreams, listen=url.removeprefix("http://"))
    with started([str(NGINX), "-p", str(folder), "-c", str(main)], env, "nginx"):

        def answers() -> bool:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                return response.status == 200

        wait_until(answers, timeout=15, errors=(OSError,))
        yield url
