#!/usr/bin/env python3
"""Symbol parse speed: mxio_symbol_read_file vs MXNet's mx.sym.load on the same
~2000-node graph (a deep bottleneck ResNet built with MXNet's symbol API).

    MXIO_BUILD=build .venv/bin/python bench/symbol_parse.py [RUNS]

Both sides do the same work: read the file, parse the JSON, check it and run
the legacy-upgrade passes (mx.sym.load also builds its nnvm graph; mxio builds
its node graph). Prints medians and the ratio; the target is >= 5x."""
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import mxnet as mx

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / os.environ.get("MXIO_BUILD", "build")


def deep_resnet(units):
    s = mx.sym
    x = s.Convolution(s.var("data"), kernel=(7, 7), stride=(2, 2), pad=(3, 3), num_filter=64,
                      no_bias=True, name="conv0")
    for i in range(units):
        shortcut = x
        y = x
        for j, (k, f) in enumerate([(1, 64), (3, 64), (1, 256)]):
            y = s.BatchNorm(y, fix_gamma=False, eps=2e-5, name=f"u{i}_bn{j}")
            y = s.Activation(y, act_type="relu", name=f"u{i}_relu{j}")
            y = s.Convolution(y, kernel=(k, k), pad=(k // 2, k // 2), num_filter=f, no_bias=True,
                              name=f"u{i}_conv{j}")
        x = y + shortcut if i else y
    x = s.Pooling(x, global_pool=True, kernel=(7, 7), pool_type="avg", name="pool")
    x = s.FullyConnected(s.Flatten(x), num_hidden=1000, name="fc")
    return s.SoftmaxOutput(x, name="softmax")


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as d:
        path = pathlib.Path(d) / "deep-symbol.json"
        sym = deep_resnet(95)
        sym.save(str(path))
        mx.sym.load(str(path))  # warm up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            mx.sym.load(str(path))
            times.append((time.perf_counter() - t0) * 1e3)
        mx_ms, mx_min = statistics.median(times), min(times)
        out = subprocess.run([str(BUILD / "bench_symbol"), str(path), str(runs)], check=True,
                             capture_output=True, text=True).stdout.split()
        nodes, mxio_ms, mxio_min = int(out[1]), float(out[3]), float(out[5])
        size_kb = path.stat().st_size / 1024
    print(f"symbol parse, {nodes} nodes, {size_kb:.0f} KiB: MXNet mx.sym.load {mx_ms:.2f} ms, "
          f"mxio {mxio_ms:.2f} ms (medians of {runs}) -> mxio is {mx_ms / mxio_ms:.1f}x faster "
          f"(best runs: {mx_min:.2f} vs {mxio_min:.2f} ms, {mx_min / mxio_min:.1f}x)")


if __name__ == "__main__":
    main()
