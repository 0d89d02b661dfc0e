"""Benchmark: load one ~100 MB .params file made by MXNet 1.9.1 with mxio
(open + index every array), with mx.nd.load, and with a plain read() of the
file, cold and warm page cache; prints times and ratios.

    MXIO_BUILD=build .venv/bin/python bench/params_load.py [--mb 100] [--repeats 5]
"""
import argparse
import os
import pathlib
import subprocess
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / os.environ.get("MXIO_BUILD", "build")


def drop_cache(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fdatasync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def time_mx_load(mx, path, cold, repeats):
    best = float("inf")
    for _ in range(repeats):
        if cold:
            drop_cache(path)
        t = time.perf_counter()
        d = mx.nd.load(str(path))
        for v in d.values():
            v.wait_to_read()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    import mxnet as mx

    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "bench-0000.params"
        rng = np.random.RandomState(0)
        # a ResNet-like mix: a few big matrices and many small vectors
        arrays, total, i = {}, 0, 0
        while total < args.mb * 1_000_000:
            shape = (512, 512, 3, 3) if i % 10 == 0 else (256, 256, 3, 3) if i % 10 < 4 else (512,)
            arrays[f"arg:layer{i}_weight"] = mx.nd.array(rng.standard_normal(shape).astype(np.float32))
            total += int(np.prod(shape)) * 4
            i += 1
        mx.nd.save(str(path), arrays)
        size = path.stat().st_size
        out = subprocess.run([str(BUILD / "bench_params"), str(path), str(args.repeats)], check=True,
                             capture_output=True, text=True).stdout
        t = {}
        for line in out.splitlines():
            name, mode, sec = line.split()
            t[(name, mode)] = float(sec)
        for mode in ("cold", "warm"):
            t[("mx.nd.load", mode)] = time_mx_load(mx, path, mode == "cold", args.repeats)
        print(f"file: {size / 1e6:.1f} MB, {len(arrays)} arrays (made by mx.nd.save, MXNet {mx.__version__})")
        for mode in ("cold", "warm"):
            r = t[("read", mode)]
            print(f"[{mode}] read() {r * 1e3:8.2f} ms | mxio open+index {t[('mxio', mode)] * 1e3:8.2f} ms "
                  f"({t[('mxio', mode)] / r:.3f}x read) | mxio+touch every page {t[('touch', mode)] * 1e3:8.2f} ms "
                  f"({t[('touch', mode)] / r:.2f}x read) | mx.nd.load {t[('mx.nd.load', mode)] * 1e3:8.2f} ms "
                  f"({t[('mx.nd.load', mode)] / r:.2f}x read)")


if __name__ == "__main__":
    main()
