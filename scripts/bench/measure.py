#!/usr/bin/env python3
"""measure.py LABEL -- CMD...: run CMD (a shell pipeline if it is one string), print wall
time and the peak resident memory (VmHWM) of every process in its tree, as JSON.

Peak RSS is sampled from /proc every 50 ms; VmHWM is a high-water mark, so a process's
last sample is its peak up to that moment."""
import json, os, subprocess, sys, time

def tree(root):
    kids = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open(f'/proc/{pid}/stat') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(pid))
        except (OSError, ValueError, IndexError):
            pass
    out, stack = [], [root]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(kids.get(p, []))
    return out

def hwm(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            name, kb = None, None
            for line in f:
                if line.startswith('Name:'):
                    name = line.split()[1]
                elif line.startswith('VmHWM:'):
                    kb = int(line.split()[1])
            return name, kb
    except OSError:
        return None, None

def main():
    label = sys.argv[1]
    cmd = sys.argv[3:] if sys.argv[2] == '--' else sys.argv[2:]
    shell = len(cmd) == 1
    start = time.monotonic()
    proc = subprocess.Popen(cmd[0] if shell else cmd, shell=shell)
    peaks = {}
    while proc.poll() is None:
        for pid in tree(proc.pid):
            name, kb = hwm(pid)
            if name and kb:
                peaks[(name, pid)] = max(peaks.get((name, pid), 0), kb)
        time.sleep(0.05)
    wall = time.monotonic() - start
    by_name = {}
    for (name, _), kb in peaks.items():
        by_name[name] = max(by_name.get(name, 0), kb)
    print(json.dumps({"label": label, "exit": proc.returncode, "wall_s": round(wall, 2),
                      "peak_rss_mib": {k: round(v / 1024, 1) for k, v in sorted(by_name.items())}}))
    sys.exit(proc.returncode)

main()
