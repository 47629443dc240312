#!/usr/bin/env python3
"""`wcp check` as a whole process, several builds side by side, interleaved round by round (docs/benchmarks.md §2).

usage: eng/bench-check.py ROUNDS LABEL=BUILD_DIR [LABEL=BUILD_DIR ...] [--samples minimal,acme-crm] [--cache off,warm]

Each run is `dotnet BUILD_DIR/wcp.dll check plugins-sample/tenants/SAMPLE --cache off|<a cache filled once>`. Every round
runs every (sample, build, cache) once, so a shared machine's load falls on all of them alike. Prints a Markdown table:
wall time (median, min, max) and the CPU time of wcp and its compiler process (median), which a loaded machine inflates
far less than the wall time. The compiler process outlives wcp by a moment; this script adopts it (a child subreaper) to
count its CPU time too.
"""
import ctypes, os, resource, shutil, statistics, subprocess, sys, tempfile, time

PR_SET_CHILD_SUBREAPER = 36
ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
args = sys.argv[1:]
samples, caches = ["minimal", "acme-crm"], ["off", "warm"]
for flag in ("--samples", "--cache"):
    if flag in args:
        i = args.index(flag)
        values = args[i + 1].split(",")
        del args[i:i + 2]
        if flag == "--samples":
            samples = values
        else:
            caches = values
rounds, builds = int(args[0]), [a.split("=", 1) for a in args[1:]]


def run(build, sample, cache):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(["dotnet", os.path.join(build, "wcp.dll"), "check", os.path.join(root, "plugins-sample", "tenants", sample), "--cache", cache],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - start
    while True:  # the compiler process, adopted when wcp exits
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{build} check {sample} exited with {done.returncode}: {done.stdout}")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


rows, folders = [], []
for sample in samples:
    for label, build in builds:
        for cache in caches:
            folder = "off"
            if cache == "warm":
                folder = tempfile.mkdtemp(prefix="wcp-bench-check-")
                folders.append(folder)
                run(build, sample, folder)  # fills the cache
            rows.append((sample, label, build, cache, folder, [], []))

loads = []
for _ in range(rounds):
    for sample, label, build, cache, folder, walls, cpus in rows:
        wall, cpu = run(build, sample, folder)
        walls.append(wall)
        cpus.append(cpu)
    loads.append(os.getloadavg()[0])

print(f"{rounds} rounds, interleaved; load average {min(loads):.1f}–{max(loads):.1f}; {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC\n")
print("| sample | build | cache | median | min | max | CPU (median) |")
print("|---|---|---|---:|---:|---:|---:|")
for sample, label, build, cache, folder, walls, cpus in rows:
    print(f"| {sample} | {label} | {cache} | {statistics.median(walls):.3f} s | {min(walls):.3f} s | {max(walls):.3f} s | {statistics.median(cpus):.3f} s |")
for folder in folders:
    shutil.rmtree(folder, ignore_errors=True)
