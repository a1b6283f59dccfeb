#!/usr/bin/env python3
"""Sums a speedscope file made by `dotnet-trace convert --format speedscope` into inclusive and
exclusive time per method, optionally only the stacks below a focus frame.

usage: speedscope-top.py FILE.speedscope.json [--focus SUBSTRING] [--top N] [--cpu-only]

--focus keeps the samples whose stack holds a frame containing SUBSTRING and cuts each stack at the
innermost such frame; --cpu-only keeps the samples whose leaf is CPU_TIME (running, not waiting).
Exclusive time goes to the innermost real method (the CPU_TIME/UNMANAGED_CODE_TIME pseudo-frames are
skipped)."""
import argparse
import collections
import json
import sys

PSEUDO = {"CPU_TIME", "UNMANAGED_CODE_TIME", "BLOCKED_TIME"}


def stacks(profile, frames):
    """Yields (frame names outermost first, weight) for an evented or sampled profile."""
    if profile["type"] == "evented":
        stack, last = [], None
        for event in profile["events"]:
            if stack and last is not None:
                yield [frames[i] for i in stack], event["at"] - last
            last = event["at"]
            if event["type"] == "O":
                stack.append(event["frame"])
            else:
                stack.pop()
    else:
        for sample, weight in zip(profile["samples"], profile["weights"]):
            yield [frames[i] for i in sample], weight


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--focus", default="")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--cpu-only", action="store_true")
    args = parser.parse_args()
    data = json.load(open(args.file))
    frames = [f["name"] for f in data["shared"]["frames"]]
    inclusive, exclusive, total = collections.Counter(), collections.Counter(), 0.0
    for profile in data["profiles"]:
        for names, weight in stacks(profile, frames):
            if args.cpu_only and names[-1] != "CPU_TIME":
                continue
            if args.focus:
                hits = [i for i, n in enumerate(names) if args.focus in n]
                if not hits:
                    continue
                names = names[hits[-1]:]
            total += weight
            for name in set(names):
                inclusive[name] += weight
            real = [n for n in names if n not in PSEUDO]
            exclusive[real[-1] if real else names[-1]] += weight
    if total == 0:
        sys.exit("no samples matched")
    unit = data["profiles"][0].get("unit", "")
    print(f"{total:.0f} {unit} of thread time matched")
    for title, counter in (("inclusive", inclusive), ("exclusive", exclusive)):
        print(f"-- {title}")
        for name, weight in counter.most_common(args.top):
            print(f"{weight / total * 100:6.1f}%  {name[:160]}")


if __name__ == "__main__":
    main()
