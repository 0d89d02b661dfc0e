#!/usr/bin/env python3
"""bench_run.py - whole-model inference: mxio vs MXNet 1.9.1 vs onnxruntime.

ResNet-50 v1 and MobileNet-v2 (Gluon model zoo, random weights, exported by
MXNet; the same weights exported to ONNX with MXNet's own mx.onnx.export_model),
batch 1 and 8, 1 and 2 threads, in one run. Each engine runs in its own process
(thread counts are fixed before the libraries load); per configuration it prints
load time (files -> ready to run, including oneDNN JIT), median and best run
time, peak RSS of that process, and the time ratios against mxio. For ResNet-50
it also prints mxio's share of the machine's fp32 peak (~100 GFLOP/s per thread,
perf-anchors.md).

    MXIO_BUILD=build .venv/bin/python bench/bench_run.py [--runs N] [--quick]

Not a test: numbers depend on the machine and its load (`uptime` is printed)."""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
PEAK_PER_THREAD = 100e9


def worker_mxnet(prefix, batch, runs):
    t0 = time.perf_counter()
    import mxnet as mx
    sym, arg, aux = mx.model.load_checkpoint(prefix, 0)
    mod = mx.mod.Module(sym, data_names=["data"], label_names=None, context=mx.cpu())
    mod.bind(data_shapes=[("data", (batch, 3, 224, 224))], for_training=False)
    mod.set_params(arg, aux)
    x = mx.nd.array(np.random.RandomState(0).uniform(-1, 1, (batch, 3, 224, 224)))
    b = mx.io.DataBatch([x])
    mod.forward(b, is_train=False)
    mod.get_outputs()[0].wait_to_read()
    load = (time.perf_counter() - t0) * 1e3
    times = []
    for _ in range(runs):
        s = time.perf_counter()
        mod.forward(b, is_train=False)
        mod.get_outputs()[0].wait_to_read()
        times.append((time.perf_counter() - s) * 1e3)
    return load, times


def worker_ort(onnx_path, batch, runs, threads):
    t0 = time.perf_counter()
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    x = np.random.RandomState(0).uniform(-1, 1, (batch, 3, 224, 224)).astype(np.float32)
    sess.run(None, {name: x})
    load = (time.perf_counter() - t0) * 1e3
    times = []
    for _ in range(runs):
        s = time.perf_counter()
        sess.run(None, {name: x})
        times.append((time.perf_counter() - s) * 1e3)
    return load, times


def measure(engine, model, batch, threads, runs, files):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               MXNET_ENGINE_TYPE="NaiveEngine" if threads == 1 else "ThreadedEnginePerDevice",
               OMP_WAIT_POLICY="PASSIVE")
    if engine == "mxio":
        build = ROOT / os.environ.get("MXIO_BUILD", "build")
        x = files["dir"] / f"x{batch}.npy"
        if not x.exists():
            np.save(x, np.random.RandomState(0).uniform(-1, 1, (batch, 3, 224, 224)).astype(np.float32))
        cmd = ["/usr/bin/time", "-f", "maxrss_kb %M", str(build / "mxio"), "run",
               files[model] + "-symbol.json", "--input", f"data={x}", "--threads", str(threads),
               "--repeat", str(runs), "--stats"]
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if p.returncode != 0:
            raise RuntimeError(p.stderr[-2000:])
        kv = dict(l.split() for l in (p.stdout + p.stderr).splitlines()
                  if len(l.split()) == 2 and l.split()[0].replace("_", "").isalpha())
        return dict(load=float(kv["load_ms"]), median=float(kv["run_ms_median"]),
                    best=float(kv["run_ms_best"]), rss=int(kv["maxrss_kb"]) / 1024,
                    peak_act=int(kv["activation_peak_bytes"]) / 2**20)
    arg = files[model] if engine == "mxnet" else files[f"{model}.onnx.{batch}"]
    cmd = ["/usr/bin/time", "-f", "maxrss_kb %M", sys.executable, __file__, "--worker", engine,
           arg, str(batch), str(runs), str(threads)]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-2000:])
    res = json.loads([l for l in p.stdout.splitlines() if l.startswith("{")][-1])
    rss = [l for l in p.stderr.splitlines() if l.startswith("maxrss_kb")][-1]
    t = sorted(res["times"])
    return dict(load=res["load"], median=t[len(t) // 2], best=t[0], rss=int(rss.split()[1]) / 1024)


def conv_fc_flops(prefix, batch):
    """2 x multiply-adds of every Convolution and FullyConnected, by MXNet's shapes."""
    import mxnet as mx
    sym = mx.sym.load(prefix + "-symbol.json")
    graph = json.loads(sym.tojson())
    internals = sym.get_internals()
    names = internals.list_outputs()
    _, shapes, _ = internals.infer_shape(data=(batch, 3, 224, 224))
    shape_of = dict(zip(names, shapes))
    total = 0
    for n in graph["nodes"]:
        if n["op"] not in ("Convolution", "FullyConnected"):
            continue
        out = shape_of[n["name"] + "_output"]
        w = shape_of[graph["nodes"][n["inputs"][1][0]]["name"]]
        total += 2 * int(np.prod(out)) * int(np.prod(w[1:]))
    return total


def onnx_mapping_shim():
    """onnx >= 1.15 dropped onnx.mapping, which MXNet 1.9.1's exporter imports:
    give it the two tables it reads, built from onnx.helper."""
    import types
    import onnx
    if hasattr(onnx, "mapping"):
        return
    m = types.ModuleType("onnx.mapping")
    m.TENSOR_TYPE_TO_NP_TYPE, m.NP_TYPE_TO_TENSOR_TYPE = {}, {}
    for t in onnx.TensorProto.DataType.values():
        try:
            npt = onnx.helper.tensor_dtype_to_np_dtype(t)
        except Exception:
            continue
        m.TENSOR_TYPE_TO_NP_TYPE[t] = npt
        m.NP_TYPE_TO_TENSOR_TYPE.setdefault(npt, t)
    onnx.mapping = m
    sys.modules["onnx.mapping"] = m


def prepare(d, models, batches):
    import mxnet as mx
    onnx_mapping_shim()
    sys.path.insert(0, str(ROOT / "tests" / "run"))
    import run_oracle
    files = {"dir": d}
    for m in models:
        prefix, _ = run_oracle.export_zoo(m, d)
        files[m] = prefix
        sym, arg, aux = mx.model.load_checkpoint(prefix, 0)
        params = {**arg, **aux}
        for b in batches:
            path = str(d / f"{m}-b{b}.onnx")
            mx.onnx.export_model(sym, params, in_shapes=[(b, 3, 224, 224)], in_types=[np.float32],
                                 onnx_file_path=path)
            files[f"{m}.onnx.{b}"] = path
    return files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs=5)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="batch 1 only")
    a = ap.parse_args()
    if a.worker:
        engine, arg, batch, runs, threads = a.worker
        if engine == "mxnet":
            load, times = worker_mxnet(arg, int(batch), int(runs))
        else:
            load, times = worker_ort(arg, int(batch), int(runs), int(threads))
        print(json.dumps({"load": load, "times": times}))
        return
    models = ["resnet50_v1", "mobilenetv2_1.0"]
    batches = [1] if a.quick else [1, 8]
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {a.runs} timed runs after a warm-up")
    with tempfile.TemporaryDirectory() as td:
        d = pathlib.Path(td)
        files = prepare(d, models, batches)
        print(f"{'model':16} {'b':>2} {'thr':>3} | {'mxio ms':>8} {'mxnet ms':>8} {'ort ms':>8} | "
              f"{'mxnet/mxio':>10} {'ort/mxio':>8} | {'load mxio/mxnet/ort ms':>24} | "
              f"{'RSS MB mxio/mxnet/ort':>22} | act MB | % peak")
        for m in models:
            for b in batches:
                flops = conv_fc_flops(files[m], b)
                for t in (1, 2):
                    r = {e: measure(e, m, b, t, a.runs, files) for e in ("mxio", "mxnet", "ort")}
                    mx_ms = r["mxio"]["median"]
                    pk = ""
                    if m.startswith("resnet50"):
                        pk = f"{100 * flops / (mx_ms / 1e3) / (PEAK_PER_THREAD * t):.0f}% " \
                             f"({flops / (mx_ms / 1e3) / 1e9:.0f} GFLOP/s)"
                    print(f"{m:16} {b:>2} {t:>3} | {mx_ms:8.1f} {r['mxnet']['median']:8.1f} "
                          f"{r['ort']['median']:8.1f} | {r['mxnet']['median'] / mx_ms:10.2f} "
                          f"{r['ort']['median'] / mx_ms:8.2f} | "
                          f"{r['mxio']['load']:7.0f}/{r['mxnet']['load']:7.0f}/{r['ort']['load']:7.0f} | "
                          f"{r['mxio']['rss']:6.0f}/{r['mxnet']['rss']:6.0f}/{r['ort']['rss']:6.0f} | "
                          f"{r['mxio']['peak_act']:6.1f} | {pk}", flush=True)
    print(f"# load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
