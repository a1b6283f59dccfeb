#!/usr/bin/env python3
"""Prints the failed tests of the TRX files in a folder: name, message and the top of the stack trace."""
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
STACK_LINES = 20


def failures(path):
    root = ET.parse(path).getroot()
    for result in root.iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") != "Failed":
            continue
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS).strip()
        stack = result.findtext("t:Output/t:ErrorInfo/t:StackTrace", default="", namespaces=NS).strip()
        output = result.findtext("t:Output/t:StdOut", default="", namespaces=NS).strip()
        yield result.get("testName"), result.get("duration"), message, stack, output


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "artifacts/test-results"
    count = 0
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.trx"), recursive=True)):
        for name, duration, message, stack, output in failures(path):
            count += 1
            print(f"\n=== FAILED {name} ({duration}) in {os.path.basename(path)}")
            if message:
                print(message)
            if stack:
                print("\n".join(stack.splitlines()[:STACK_LINES]))
            if output:
                print("--- output (last 40 lines)")
                print("\n".join(output.splitlines()[-40:]))
    print(f"\n{count} failed test(s) listed from {folder}")


if __name__ == "__main__":
    main()
