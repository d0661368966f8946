#!/usr/bin/env python3
"""clang-tidy over every source file of src/, with the checks in .clang-tidy and Clang's
thread-safety analysis (-Wthread-safety, reported as clang-diagnostic-thread-safety-*). Any finding
fails.

Most of clang-tidy's time goes into parsing and matching the headers a file includes (Boost.Asio
and Beast alone are several hundred thousand lines), not the file itself. So the files of one
folder that share compile flags are checked together, as one translation unit that includes each
of them: the headers are parsed and matched once per folder instead of once per file. A folder
whose files do not combine (two files defining the same internal name) is split in halves until
they do.
Findings still point at the original file and line.

A unit whose preprocessed text, flags and tidy configuration are unchanged since it last passed is
not checked again (results are remembered in $DECNET_TIDY_CACHE, by default ~/.cache/decnet-tidy).

The static analyzer (clang-analyzer-*) runs in its shallow mode: the deep mode inlines every
template Boost.Asio instantiates and takes about twenty times longer. TIDY_DEEP=1 runs it deep.

usage: tidy.py BUILD_DIR
"""
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_UNIT = 16  # files per combined unit, so two jobs stay balanced


def find_tidy():
    for name in ("clang-tidy-14", "clang-tidy"):
        if shutil.which(name):
            return name
    sys.exit("tidy: clang-tidy is not installed")


def compile_flags(entry):
    """The entry's flags without the compiler, the source file and the object file."""
    args = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    out, skip = [], False
    for arg in args[1:]:
        if skip:
            skip = False
        elif arg == "-o":
            skip = True
        elif arg != "-c" and arg != entry["file"]:
            out.append(arg)
    return out


def sources_of(file):
    """The sources a compile-database entry compiles: a unity batch stands for the files it
    includes."""
    file = file.resolve()
    if file.parent.name != "Unity" or file.suffix != ".cxx":
        return [file]
    return [Path(m).resolve() for m in re.findall(r'^#include "([^"]+)"$', file.read_text(), re.M)]


def units(build):
    tracked = set(
        # New files count before they are committed, so a change is checked whole.
        subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "src/*.cc"],
                       cwd=ROOT, check=True, capture_output=True, text=True).stdout.split())
    groups = {}
    for entry in json.loads((build / "compile_commands.json").read_text()):
        flags = compile_flags(entry)
        for path in sources_of(Path(entry["directory"]) / entry["file"]):
            rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else None
            if rel not in tracked:
                continue
            tracked.discard(rel)
            groups.setdefault((path.parent, tuple(flags)), []).append(path)
    if tracked:
        sys.exit("tidy: not in the compile database: " + " ".join(sorted(tracked)))
    for (_, flags), files in sorted(groups.items()):
        files.sort()
        for i in range(0, len(files), MAX_UNIT):
            yield list(flags), files[i:i + MAX_UNIT]


def unit_source(files):
    return "".join(f'#include "{f}"\n' for f in files)


class Checker:
    def __init__(self, build):
        self.build = build
        self.tidy = find_tidy()
        self.cache = Path(os.environ.get("DECNET_TIDY_CACHE",
                                         Path.home() / ".cache" / "decnet-tidy"))
        self.cache.mkdir(parents=True, exist_ok=True)
        self.mode = "deep" if os.environ.get("TIDY_DEEP") == "1" else "shallow"
        version = subprocess.run([self.tidy, "--version"], capture_output=True, text=True).stdout
        salt = hashlib.sha256()
        for part in ((ROOT / ".clang-tidy").read_bytes(), Path(__file__).read_bytes(),
                     self.mode.encode(), version.encode()):
            salt.update(part)
        self.salt = salt.hexdigest()
        self.unit_dir = build / "tidy-units"
        self.unit_dir.mkdir(exist_ok=True)

    def key(self, flags, source_path):
        pre = subprocess.run(
            ["clang++", *flags, "-Wno-unknown-warning-option", "-E", "-P", str(source_path)],
            cwd=self.build, capture_output=True)
        if pre.returncode != 0 or not pre.stdout:
            # Without the preprocessed text the key would not follow the source: never cache.
            sys.exit(f"tidy: cannot preprocess {source_path}:\n{pre.stderr.decode(errors='replace')}")
        digest = hashlib.sha256(pre.stdout)
        digest.update("\0".join(flags).encode())
        digest.update(self.salt.encode())
        return digest.hexdigest()[:32]

    def run_tidy(self, flags, source_path, combined):
        # A combined unit includes .cc files on purpose.
        extra = ["--checks=-bugprone-suspicious-include"] if combined else []
        # The configuration is named: clang-tidy would look for it only above the combined unit,
        # which lives in the build directory, wherever that is.
        cmd = [self.tidy, "--quiet", f"--config-file={ROOT / '.clang-tidy'}", "--warnings-as-errors=*",
               *extra, str(source_path), "--",
               *flags, "-Wno-unknown-warning-option", "-Wthread-safety",
               "-Xclang", "-analyzer-config", "-Xclang", f"mode={self.mode}"]
        proc = subprocess.run(cmd, cwd=self.build, capture_output=True, text=True)
        out = proc.stdout + proc.stderr
        findings = [line for line in out.splitlines()
                    if not re.match(r"^\d+ warnings? (and \d+ errors? )?generated|^Suppressed|"
                                    r"^Use -header-filter|^Error while processing|^$", line)]
        clean = proc.returncode == 0 and not any(
            re.search(r"(warning|error):", line) for line in findings)
        return clean, "\n".join(findings)

    def check(self, flags, files):
        """Returns the findings of the unit, '' when it is clean."""
        name = hashlib.sha256("\n".join(map(str, files)).encode()).hexdigest()[:16]
        source = self.unit_dir / f"{files[0].parent.name}-{name}.cc"
        if len(files) == 1:
            source = files[0]
        else:
            source.write_text(unit_source(files))
        key = self.key(flags, source)
        if (self.cache / key).exists():
            return ""
        clean, findings = self.run_tidy(flags, source, len(files) > 1)
        if clean:
            (self.cache / key).touch()
            return ""
        if len(files) > 1 and "clang-diagnostic-error" in findings:
            # Two of the files do not combine (the same internal name in both): check each half.
            half = len(files) // 2
            return "\n".join(filter(None, (self.check(flags, files[:half]),
                                            self.check(flags, files[half:]))))
        return findings


def main():
    build = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "release").resolve()
    checker = Checker(build)
    jobs = int(os.environ.get("JOBS", os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda unit: checker.check(*unit), units(build)))
    failures = [r for r in results if r]
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)
    print("tidy: clean")


if __name__ == "__main__":
    main()
