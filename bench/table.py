#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# The benchmark's one table, from bench/measure.sh's results files: a column
# per (kernel, backend), each row's target judged where it applies (absolute
# times and rates only on the host: TCG makes a guest's meaningless).
#   table.py HOST_KERNEL CORES MODE RESULTS_DIR...
# Exits 3 when a judged target is missed.
import sys, datetime
kernel, cores, mode, dirs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
cols = []
for d in dirs:
    vals = {}
    for line in open(d + "/results"):
        b, k, v = line.split(maxsplit=2)
        vals.setdefault(b, {}).setdefault(k, []).append(v.strip())
    on_host = "/vm-" not in d  # run.sh puts a guest's results under vm-SUITE/
    for b, v in vals.items():
        v = {k: x[-1] for k, x in v.items()}
        rel = v.get("kernel", "?").split("-")[0].split("+")[0]
        cols.append((f"{b} {rel}{'' if on_host else ' TCG'}", on_host, v))
f = lambda v, k: float(v[k])
rows = [  # label, target text, value, ok (None: not judged), judged on the host only
    ("ready: ours 'Tracing' line (s)", "<= 0.5", lambda v: f(v, "ready_ours_line"), lambda x: x <= 0.5, True),
    ("ready: ours first event (s)", "aim 0.25", lambda v: f(v, "ready_ours_first"), None, False),
    ("ready: bpftrace first event (s)", "", lambda v: f(v, "ready_bt_first"), None, False),
    ("ready: ours line / bpftrace", "<= 0.3", lambda v: f(v, "ready_ours_line") / f(v, "ready_bt_first"), lambda x: x <= 0.3, False),
]
for loop, name in (("eth", "GDRVINFO"), ("genl", "LINKINFO_GET")):
    rows += [
        (f"{name}: no tracer (ns/op)", "", lambda v, l=loop: f(v, f"cost_{l}_off"), None, False),
        (f"{name}: +bpftrace (ns/op)", "", lambda v, l=loop: f(v, f"cost_{l}_bt") - f(v, f"cost_{l}_off"), None, False),
        (f"{name}: +ours (ns/op)", "", lambda v, l=loop: f(v, f"cost_{l}_ours") - f(v, f"cost_{l}_off"), None, False),
        (f"{name}: ops printed, bpftrace (%)", "", lambda v, l=loop: 100 * f(v, f"printed_{l}_bt"), None, False),
        (f"{name}: ops printed, ours (%)", "", lambda v, l=loop: 100 * f(v, f"printed_{l}_ours"), None, False),
        (f"{name}: +ours / +bpftrace", "<= 1.2",
         lambda v, l=loop: (f(v, f"cost_{l}_ours") - f(v, f"cost_{l}_off")) / (f(v, f"cost_{l}_bt") - f(v, f"cost_{l}_off")),
         lambda x: x <= 1.2, False),
    ]
# what each tracer adds to an RTNL-taking call (bench/rtnl.sh; host only):
# one caller, and two callers batching requests, where many calls wait for
# RTNL (the two-caller loop without batches, where few do, is in its output)
rtnl_names = (("ours", "ours"), ("norntl", "ours --no-rtnl"), ("waits", "ours --waits"), ("bt", "bpftrace"))
for loop, name in (("1", "RTNL 1 caller"), ("2b", "RTNL 2 batched")):
    rows.append((f"{name}: no tracer (ns/call)", "", lambda v, l=loop: f(v, f"rtnl_{l}_off"), None, False))
    rows += [(f"{name}: +{t} (ns)", "", lambda v, l=loop, n=n: f(v, f"rtnl_{l}_{n}") - f(v, f"rtnl_{l}_off"), None, False)
             for n, t in rtnl_names]
    if loop != "1":
        rows.append((f"{name}: waits per call", "", lambda v, l=loop: f(v, f"rtnl_{l}_waits_per_call"), None, False))
rows += [
    ("RTNL per wait: ours' RTNL probes (ns)", "", lambda v: f(v, "rtnl_per_wait_ours"), None, False),
    ("RTNL per wait: bpftrace (ns)", "", lambda v: f(v, "rtnl_per_wait_bt"), None, False),
]
names = (("ours", "ours"), ("json", "ours --json"), ("one", "one-liner"), ("bt", "bpftrace full"), ("c", "C consumer"))
rows += [
    ("ready: one-liner first event (s)", "", lambda v: f(v, "ready_one_first"), None, False),
    ("ready: ours first event / one-liner", "<= 1", lambda v: f(v, "ready_ours_first") / f(v, "ready_one_first"),
     lambda x: x <= 1, False),
]
rows += [(f"cpu/event paced, {t} (us)", "", lambda v, n=n: f(v, f"cpu_{n}_us"), None, False) for n, t in names]
rows += [(f"cpu/event, {t} / C consumer", "<= 1.5" if n == "ours" else "",
          lambda v, n=n: f(v, f"cpu_{n}_us") / f(v, "cpu_c_us"), (lambda x: x <= 1.5) if n == "ours" else None, False)
         for n, t in names[:4]]
for th, target, ok in ((1, "100", lambda x: x >= 100), (4, ">= 95", lambda x: x >= 95)):
    rows += [(f"flat-out {th} thr printed, {t} (%)", target if n == "ours" else "",
              lambda v, n=n, th=th: 100 * f(v, f"share{th}_{n}"), ok if n == "ours" else None, False) for n, t in names]
scrape = lambda v, i: float(v["scrape"].split(":")[i])
rows += [
    ("2 producers: zero-loss rate, ours (/s)", ">= 150000", lambda v: f(v, "climb_zero_loss_ours"), lambda x: x >= 150000, True),
    ("2 producers: zero-loss rate, C (/s)", "", lambda v: f(v, "climb_zero_loss_c"), None, True),
    ("scrape: interfaces", "", lambda v: scrape(v, 0), None, True),
    ("scrape: ioctls issued", "", lambda v: scrape(v, 1), None, True),
    ("scrape: printed by ours", "", lambda v: scrape(v, 2), None, True),
    ("scrape: lost reported by ours (any)", "", lambda v: scrape(v, 3), None, True),
    ("scrape: issued - printed", "0", lambda v: scrape(v, 1) - scrape(v, 2), lambda x: x == 0, True),
]
rows += [
    ("unrelated ioctl: ours / none", "", lambda v: f(v, "cost_ioctl_ours") / f(v, "cost_ioctl_off"), None, False),
    ("unrelated ioctl: ours / bpftrace", "", lambda v: f(v, "cost_ioctl_ours") / f(v, "cost_ioctl_bt"), None, False),
    ("drain: zero-loss rate (ops/s)", "", lambda v: f(v, "drain_zero_loss"), None, True),
    ("drain: lost up to one thread flat out", "0", lambda v: f(v, "drain_climb_lost"), lambda x: x == 0, True),
    ("RSS of ours: VmRSS max (MiB)", "<= 64", lambda v: f(v, "rss_max_kb") / 1024, lambda x: x <= 64, False),
    ("RSS of ours: VmHWM (MiB)", "", lambda v: f(v, "hwm_kb") / 1024, None, False),
]
print()
print(f"ethtoolsnoop benchmark ({mode}), {datetime.date.today()}: host {kernel}, {cores} cores")
print("best of the alternating blocks; '+' = added to the untraced op; * = target missed.")
print("VM columns: qemu TCG, so absolute VM times and rates mean nothing: read their ratios.")
w = 19
print(f"{'':40} {'target':>9}" + "".join(f" {c[0]:>{w}}" for c in cols))
missed = []
for label, target, value, ok, host_only in rows:
    cells = []
    for name, on_host, v in cols:
        try:
            x = value(v)
        except (KeyError, ValueError, ZeroDivisionError):
            cells.append(f" {'-':>{w}}")
            continue
        judged = ok is not None and (on_host or not host_only)
        bad = judged and not ok(x)
        if bad:
            missed.append(f"{label} {target}: {x:.3g} ({name})")
        text = f"{x:.0f}" if abs(x) >= 1000 else f"{x:.3g}"
        cells.append(f" {text + ('*' if bad else ' '):>{w}}")
    print(f"{label:40} {target:>9}" + "".join(cells))
print()
if missed:
    print("targets missed:")
    for m in missed:
        print("  " + m)
    sys.exit(3)
print("all targets met")
