"""Virtuoso Open Source 7 (Debian ``virtuoso-opensource``): a private instance in a temporary
directory, its SQL and HTTP ports on 127.0.0.1, with the SPARQL user allowed to update and a
result cap far above the catalogue's size by default (the Debian default caps results at 10,000
rows)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stores.common import free_port, stop, wait_for_http
from stores.oxigraph import Store

SYSTEM_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
SYSTEM_DB = "/var/lib/virtuoso-opensource-7/db"


def virtuoso_available(install: bool = True) -> str | None:
    """None if Virtuoso can run here (installing the Debian package when root and missing),
    else the reason it cannot."""
    if shutil.which("virtuoso-t") and shutil.which("isql-vt") and SYSTEM_INI.is_file():
        return None
    if not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        return "virtuoso-opensource is not installed and cannot be installed here (not root)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "virtuoso-opensource"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, timeout=600, check=False)
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {done.stderr.decode(errors='replace')[-300:]}"
    if shutil.which("virtuoso-t") and shutil.which("isql-vt"):
        return None
    return "virtuoso-opensource installed no virtuoso-t / isql-vt"


#: ``ResultSetMaxRows`` of the test instances unless told otherwise.
DEFAULT_MAX_ROWS = 1_000_000


def _ini(directory: Path, sql_port: int, http_port: int, max_rows: int) -> str:
    text = SYSTEM_INI.read_text(encoding="utf-8")
    text = text.replace(SYSTEM_DB, str(directory))
    sections = re.split(r"(?m)^(?=\[)", text)
    out = []
    for section in sections:
        if section.startswith("[Parameters]"):
            section = re.sub(
                r"(?m)^ServerPort\s*=.*$", f"ServerPort = 127.0.0.1:{sql_port}", section
            )
        elif section.startswith("[HTTPServer]"):
            section = re.sub(
                r"(?m)^ServerPort\s*=.*$", f"ServerPort = 127.0.0.1:{http_port}", section
            )
        elif section.startswith("[SPARQL]"):
            section = re.sub(
                r"(?m)^ResultSetMaxRows\s*=.*$", f"ResultSetMaxRows = {max_rows}", section
            )
        out.append(section)
    return "".join(out)


GRANTS = "GRANT SPARQL_UPDATE TO \"SPARQL\";DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"


@contextmanager
def virtuoso_server(directory: Path, max_rows: int = DEFAULT_MAX_ROWS) -> Iterator[Store]:
    """A private Virtuoso in ``directory`` answering at most ``max_rows`` rows (its
    ``ResultSetMaxRows``); stopped (this process only) on exit."""
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(_ini(directory, sql_port, http_port, max_rows), encoding="utf-8")
    log = (directory / "stdout.log").open("wb")
    process = subprocess.Popen(
        ["virtuoso-t", "+foreground", "+configfile", str(ini)],
        cwd=directory,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_for_http(f"{base}/sparql?query=ASK%7B%7D", process, timeout=120)
        subprocess.run(
            ["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={GRANTS}"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield Store(
            query=f"{base}/sparql", update=f"{base}/sparql", graph_store=f"{base}/sparql-graph-crud"
        )
    finally:
        stop(process)
        log.close()
