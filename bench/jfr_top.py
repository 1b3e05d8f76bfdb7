"""The top frames of a JFR recording's CPU samples: where the functions spend their time.

Prints, for each recording given, the share of execution samples whose stack holds each of the busiest methods
(inclusive: a method and what it calls), then the busiest methods on their own (exclusive: the frame on top).
Reads the recording with the JDK's `jfr` tool (JDK 25's, else the one on PATH).

Usage: python3 bench/jfr_top.py FILE.jfr [FILE.jfr ...] [--top 15] [--match dev.trainwatch,jose4j,...]
"""

import argparse
import collections
import json
import re
import shutil
import subprocess
from pathlib import Path

NOISE = re.compile(r"\$\$Lambda|_Subclass|_ClientProxy|\$quarkusrestinvoker\$")
JFR = Path("/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr")


def samples(recording):
    tool = str(JFR) if JFR.exists() else shutil.which("jfr")
    out = subprocess.run([tool, "print", "--json", "--events", "jdk.ExecutionSample", "--stack-depth", "256",
                          recording], check=True, capture_output=True, text=True).stdout
    for event in json.loads(out)["recording"]["events"]:
        yield [f"{f['method']['type']['name'].replace('/', '.')}.{f['method']['name']}"
               for f in event["values"]["stackTrace"]["frames"]]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("recordings", nargs="+")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--match", default="", help="comma-separated parts of names; inclusive rows only of these")
    args = parser.parse_args()
    wanted = [m for m in args.match.split(",") if m]
    for recording in args.recordings:
        inclusive, exclusive, total = collections.Counter(), collections.Counter(), 0
        for stack in samples(recording):
            if not stack:
                continue
            total += 1
            exclusive[stack[0]] += 1
            for frame in set(stack):
                if NOISE.search(frame):  # generated lambdas and proxies repeat the method they call
                    continue
                if not wanted or any(w in frame for w in wanted):
                    inclusive[frame] += 1
        print(f"{recording}: {total} samples")
        print("  inclusive (share of samples whose stack holds it)")
        for frame, count in inclusive.most_common(args.top):
            print(f"    {100 * count / total:5.1f}%  {frame}")
        print("  exclusive (share of samples with it on top)")
        for frame, count in exclusive.most_common(args.top):
            print(f"    {100 * count / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
