#!/usr/bin/env python3
"""Parses HTML documents strictly (WHATWG, html5lib): every parse error is reported.

usage: html5_strict.py FILE...   (or the document on stdin)
Prints `FILE: line L col C: error` for each problem and exits 1 when there was any.
"""
import sys

import html5lib


def check(name, data):
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(data)
    problems = []
    for (line, col), code, details in parser.errors:
        problems.append(f"{name}: line {line} col {col}: {code} {details}")
    return problems


def main():
    problems = []
    if len(sys.argv) > 1:
        for path in sys.argv[1:]:
            with open(path, "rb") as handle:
                problems += check(path, handle.read())
    else:
        problems += check("stdin", sys.stdin.buffer.read())
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
