"""`make wheel`: build the sdist and a wheel from it, prove both, test the installed wheel.

1. `python -m build` makes the sdist, then the wheel from that sdist in an isolated
   environment; the backend must not have asked for Cython (the sdist ships the .c files).
2. The wheel holds every compiled twin, no C sources and no failed-build marker.
3. A clean venv gets the wheel and the test dependencies as wheels only (`--only-binary
   :all:`: nothing compiled there), and the test suite runs from a copy of the checkout
   without its `oxide/` directory, so every import of `oxide` is the installed wheel's.
4. The same sdist built with a C compiler that always fails (CC=false) still installs, and
   `import oxide` in that install warns that the extensions are missing.

Usage: python release/check_wheel.py [--keep DIR] [--skip-tests]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TWINS = ("_sse_c", "_tool_calls_c", "_finite_c", "_http1_c")


def run(*cmd: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    print("+", " ".join(map(str, cmd)), flush=True)
    result = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result.stdout + result.stderr


def build(out: Path) -> tuple[Path, Path]:
    log = run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    # `python -m build` lists what it installs into each isolated environment.
    if "cython" in log.lower().split("building wheel", 1)[-1]:
        sys.exit("the wheel build from the sdist asked for Cython:\n" + log[-3000:])
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


def check_contents(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    speedups = [n for n in names if n.startswith("oxide/_speedups/")]
    for twin in TWINS:
        if not any(
            n.startswith(f"oxide/_speedups/{twin}.") and n.endswith((".so", ".pyd"))
            for n in speedups
        ):
            sys.exit(f"{wheel.name}: no compiled {twin}")
    unwanted = [n for n in speedups if n.endswith((".c", "_build_failed.txt"))]
    if unwanted:
        sys.exit(f"{wheel.name}: holds {unwanted}")
    print(f"{wheel.name}: {len(names)} files, compiled twins present, no C sources", flush=True)


def make_venv(path: Path, wheel: Path) -> Path:
    run(sys.executable, "-m", "venv", path)
    python = path / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", "--upgrade", "pip")
    # Dependencies as wheels only: nothing is compiled in this environment.
    run(python, "-m", "pip", "install", "-q", "--only-binary", ":all:", f"{wheel}[dev]")
    return python


def source_copy(dest: Path) -> Path:
    """The checkout's tracked files without the package: tests, spec, README, examples."""
    files = run("git", "ls-files", "-z").split("\0")
    for name in files:
        if not name or name.startswith("oxide/"):
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    # The Steady mock server `make mock` installed (tests/conftest.py looks for it here).
    (dest / ".mock").symlink_to(ROOT / ".mock")
    return dest


def run_tests(python: Path, src: Path) -> None:
    where = run(
        python,
        "-c",
        "import oxide, oxide._speedups as s; print(oxide.__file__, s.IMPLEMENTATION)",
        cwd=src,
    )
    path, impl = where.split()
    if not Path(path).is_relative_to(python.parent.parent) or impl != "c":
        sys.exit(f"the tests would not run on the installed wheel: {where}")
    print(f"testing the installed wheel ({path}, compiled twins)", flush=True)
    out = run(
        python,
        "-m",
        "pytest",
        "-n",
        "2",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not checkout",
        cwd=src,
    )
    print(out.strip().splitlines()[-1], flush=True)


def check_failed_build_warns(python: Path, sdist: Path, out: Path) -> None:
    failed = out / "failed"
    run(
        python,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "-w",
        failed,
        sdist,
        env={"CC": "false", "LDSHARED": "false"},
    )
    (wheel,) = failed.glob("*.whl")
    if not any(n.endswith("_build_failed.txt") for n in zipfile.ZipFile(wheel).namelist()):
        sys.exit("a build whose compiler failed left no _build_failed.txt in the wheel")
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", wheel)
    probe = "import warnings; warnings.simplefilter('error'); import oxide"
    # Run outside the checkout, or `-c` would import its `oxide/` instead of the install.
    result = subprocess.run([python, "-c", probe], capture_output=True, text=True, cwd=out)
    if result.returncode == 0 or "could not be built" not in result.stderr:
        sys.exit(f"import oxide did not warn about the failed build:\n{result.stderr}")
    silent = subprocess.run(
        [python, "-c", probe + "; import oxide._speedups as s; assert s.IMPLEMENTATION == 'py'"],
        env={**os.environ, "OXIDE_NO_EXTENSIONS": "1"},
        cwd=out,
        capture_output=True,
        text=True,
    )
    if silent.returncode != 0:
        sys.exit(f"OXIDE_NO_EXTENSIONS=1 did not silence the warning:\n{silent.stderr}")
    print("a failed extension build installs, and `import oxide` warns about it", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    parser.add_argument("--skip-tests", action="store_true", help="build and check, no test run")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="oxide-wheel-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        sdist, wheel = build(work / "dist")
        check_contents(wheel)
        python = make_venv(work / "venv", wheel)
        if not args.skip_tests:
            run_tests(python, source_copy(work / "src"))
        check_failed_build_warns(python, sdist, work)
        dist = ROOT / "dist"
        dist.mkdir(exist_ok=True)
        for artefact in (sdist, wheel):
            shutil.copy2(artefact, dist / artefact.name)
        print(f"ok: {dist / sdist.name}, {dist / wheel.name}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
