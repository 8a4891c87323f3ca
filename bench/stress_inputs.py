#!/usr/bin/env python3
"""Writes the hostile inputs of docs/hardening.md ("Memory and time under
stress") into the directory given as the only argument. scripts/stress.sh
runs kora on each; nothing here is committed output."""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
os.chdir(out)
lvl = ["a0: &a0 [x,x,x,x,x,x,x,x,x,x]"] + [f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]" for i in range(1, 10)]
open("bomb.yaml", "w").write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n" + "".join(f"  {l}\n" for l in lvl))
n = 100_000
open("yflow.yaml", "w").write("a: " + "[" * n + "]" * n + "\n")
open("yflowmap.yaml", "w").write("a: " + "{a: " * n + "b" + "}" * n + "\n")
open("block.yaml", "w").write("- " * n + "x\n")
open("blockmaps.yaml", "w").write("".join(" " * i + "k:\n" for i in range(3000)))
open("deep.json", "w").write("[" * n + "]" * n)
open("yflow2m.yaml", "w").write("a: " + "[" * 2_000_000 + "\n")
open("nest2.yaml", "w").write("a: [[" + "a, " * 700_000 + "a]]\n")
head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\n"
open("bigscalar.yaml", "w").write(head + "data:\n  x: " + "a" * (50 << 20) + "\n")
open("bigscalar.json", "w").write('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"x":"' + "a" * (50 << 20) + '"}}')
open("bigline.yaml", "w").write(head + "data: {" + ", ".join(f"k{i}: v" for i in range(1_000_000)) + "}\n")
doc = "".join(f'---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{i}}}\ndata: {{k: "{"v" * 900}"}}\n' for i in range(1000))
with open("1g.yaml", "w") as f:
    for _ in range((1 << 30) // len(doc) + 1):
        f.write(doc)
with open("1g.yaml") as f:
    open("60m.yaml", "w").write(f.read(60_000_000))
for d in range(100):
    os.makedirs(f"many/d{d:02d}", exist_ok=True)
for i in range(100_000):
    open(f"many/d{i % 100:02d}/cm-{i}.yaml", "w").write(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  namespace: ns{i % 7}\ndata:\n  key: value-{i}\n")
