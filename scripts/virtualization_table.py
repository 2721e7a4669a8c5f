#!/usr/bin/env python3
"""Writes the per-target tensor virtualization tables of docs/VIRTUALIZATION.md.

For one model, runs `driftc plan MODEL --target T --json --tensors` for every target in
TARGETS (each at its default precision and activation storage, as `driftc compile` would
choose them) and once more for pocl with `--storage texture2d` (what `make test` runs),
then prints markdown: one row per activation tensor in first-use order with its storage,
layout, element type and object count on every target, a summary of the weights, and the
images and buffer pool per target. `--write FILE` replaces the text between
`<!-- virtualization:begin -->` and `<!-- virtualization:end -->` in FILE instead.

    usage: virtualization_table.py [--write FILE] DRIFTC MODEL.onnx
Standard library only.
"""
import json, subprocess, sys

TARGETS = [
    ("adreno750", []),
    ("mali-g715", []),
    ("nvidia-h100", []),
    ("nvidia-h100-opencl", []),
    ("pocl", []),
    ("pocl", ["--storage", "texture2d"]),
    ("lavapipe", []),
]
STORAGE = {"Buffer": "buf", "Texture2d": "tex2d", "ImageBuffer": "imgbuf", "Texture2dArray": "tex2darr"}
BEGIN, END = "<!-- virtualization:begin -->", "<!-- virtualization:end -->"


def plan(driftc, model, target, extra):
    cmd = [driftc, "plan", model, "--target", target, "--json", "--tensors"] + extra
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def cell(t):
    s = f"{STORAGE.get(t['storage'], t['storage'])} {t['layout'].lower()} {t['elem'].lower()} ×{t['objects']}"
    if "image" in t:
        s += f" {t['image']['width']}×{'+'.join(map(str, t['image']['heights']))}"
    if t["alias"]:
        s += " (alias)"
    return s


def short(name):
    for p in ("/features/", "/classifier/"):
        if name.startswith(p):
            name = name[len(p):]
    return name.replace("_output_0", "").replace("|", "/")


def table(driftc, model):
    plans = [(t, extra, plan(driftc, model, t, extra)) for t, extra in TARGETS]
    heads = [t + (" " + " ".join(extra) if extra else "") for t, extra, _ in plans]
    by_target = [{p["name"]: p for p in pl["physical"]} for _, _, pl in plans]
    first = plans[0][2]["physical"]
    out = []
    precisions = ", ".join(h + ": " + pl["precision"].lower() for h, (_, _, pl) in zip(heads, plans))
    out.append(f"Model `{model}`; each cell: storage, layout, element type, ×objects, and for textures the image width × rows per object. Precision is each target's default ({precisions}).")
    out.append("")
    out.append("| tensor | shape | " + " | ".join(heads) + " |")
    out.append("|---|---|" + "---|" * len(heads))
    for t in first:
        if t["role"] != "Activations":
            continue
        cells = [cell(bt[t["name"]]) if t["name"] in bt else "—" for bt in by_target]
        out.append(f"| `{short(t['name'])}` | {'×'.join(map(str, t['shape']))} | " + " | ".join(cells) + " |")
    summary = []
    for bt in by_target:
        w = [p for p in bt.values() if p["role"] == "Weights"]
        kinds = sorted({cell(p) for p in w})
        summary.append(f"{len(w)}: " + ", ".join(kinds))
    out.append("| all weights | | " + " | ".join(summary) + " |")
    out.append("")
    out.append("Objects per target:")
    out.append("")
    out.append("| target | activation storage | buffer pool (planned) | 2D images | image bytes |")
    out.append("|---|---|---|---|---|")
    for h, (_, _, pl) in zip(heads, plans):
        images = [p for p in pl["pools"] if "width" in p]
        storage = "texture2d" if images else "buffer"
        shapes = ", ".join(f"{p['width']}×{p['height']} {p['elem'].lower()}" for p in images) or "—"
        out.append(f"| {h} | {storage} | {pl['planned_bytes']} B | {len(images)}: {shapes} | {sum(p['bytes'] for p in images)} B |")
    return "\n".join(out) + "\n"


def main():
    args = sys.argv[1:]
    write = None
    if args[:1] == ["--write"]:
        write, args = args[1], args[2:]
    driftc, model = args
    text = table(driftc, model)
    if write is None:
        sys.stdout.write(text)
        return
    doc = open(write).read()
    a, b = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    open(write, "w").write(doc[:a] + "\n" + text + doc[b:])


if __name__ == "__main__":
    main()
