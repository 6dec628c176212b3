#!/usr/bin/env python3
"""Reads Prometheus text format from stdin with prometheus_client's own parser (PyPI
prometheus-client) and prints one line per sample: NAME{labels} value. Exits 1 on a parse error."""
import sys

from prometheus_client.parser import text_string_to_metric_families

try:
    for family in text_string_to_metric_families(sys.stdin.read()):
        print(f"FAMILY {family.name} {family.type} {family.documentation}")
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            print(f"{sample.name}{{{labels}}} {sample.value}")
except Exception as error:  # the parser raises ValueError and others for bad input
    print(f"PARSE ERROR: {error}")
    sys.exit(1)
