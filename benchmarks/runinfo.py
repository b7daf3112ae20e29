"""What a run records about its environment: versions of everything measured, and which awardgraph code ran."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path


def versions(root: Path, bench_venv: Path) -> dict[str, str]:
    """Versions of awardgraph (git commit and a digest of src/, which other work may be changing), the peers and
    the load client."""

    def run(command: list[str]) -> str:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False, cwd=root)
            return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else ""
        return ""

    bench_python = str(bench_venv / "bin" / "python")
    metadata = "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))"
    dirty = run(["git", "status", "--porcelain", "--", "src"])
    digest = hashlib.sha256()
    for path in sorted((root / "src").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return {
        "awardgraph": run([str(Path(sys.executable).parent / "awardgraph"), "--version"]),
        "git": run(["git", "rev-parse", "--short", "HEAD"]) + (" + uncommitted changes in src/" if dirty else ""),
        "src/ digest": digest.hexdigest()[:12],
        "oxigraph": run([str(bench_venv / "bin" / "oxigraph"), "--version"]),
        "rdflib-endpoint": run([bench_python, "-c", metadata, "rdflib-endpoint"]),
        "rdflib (rdflib-endpoint's)": run([bench_python, "-c", metadata, "rdflib"]),
        "virtuoso": run(["dpkg-query", "-W", "-f", "${Version}", "virtuoso-opensource-7"]),
        "load client": run(["wrk", "--version"]) if shutil.which("wrk") else "python http.client processes",
        "python": sys.version.split()[0],
    }
