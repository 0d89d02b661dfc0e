#!/usr/bin/env python3
"""bench_run.py - whole-model inference: mxio vs MXNet 1.9.1 vs onnxruntime.

ResNet-50 v1 and MobileNet-v2 (Gluon model zoo, random weights, exported by
MXNet into a temporary directory; the same weights exported to ONNX with MXNet's
own mx.onnx.export_model), batch 1 and 8, 1 and 2 threads, all in one run.

Method (fair on a shared machine whose load changes from second to second):
per configuration each engine gets its own persistent worker process (thread
counts fixed in its environment before the library loads; the model loaded
once): bench/bench_worker.c for mxio, this file with --worker for MXNet and
onnxruntime. The workers are started one after another, so each one's load
time (files -> first result, oneDNN JIT and Python imports included) is taken
in a fresh process on its own. The driver then runs ROUNDS rounds of RUNS timed
runs per engine, interleaved (mxio, MXNet, ORT / MXNet, ORT, mxio / ... : the
order rotates so no engine always follows the same one), with a short pause
between turns so a finished engine's spinning threads do not overlap the next.
Reported per engine: median and minimum over all its timed runs, the ratio of
medians (MXNet/mxio, ORT/mxio: > 1 means mxio is faster), load time and the
worker's peak RSS (VmHWM at exit: the model, its runs, the interpreter for
the Python engines). The machine's load average is printed at the start and
end of every configuration.

% of peak (ResNet-50): conv + FC FLOPs (2 x multiply-adds, from MXNet's
shapes) / mxio's median / (threads x the single-thread fp32 FMA peak measured
by `bench_worker --peak 1` at the start: 12 independent FMA chains, AVX2 and
AVX-512, the larger counts). The 2-thread figure uses twice the 1-thread peak:
the measured 2-thread peak is printed too but drops whenever another process
holds a CPU.

    MXIO_BUILD=build .venv/bin/python bench/bench_run.py [--rounds 7] [--runs 3] [--quick]

Not a test: numbers depend on the machine and its load."""
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
ENGINES = ("mxio", "mxnet", "ort")
PAUSE_S = 0.1


# ---- workers: load once, then answer "run N" / "quit" on stdin ----

def serve(run_once, load_ms):
    print(f"load_ms {load_ms:.1f}", flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if cmd and cmd[0] == "run":
            times = []
            for _ in range(int(cmd[1])):
                s = time.perf_counter()
                run_once()
                times.append((time.perf_counter() - s) * 1e3)
            print("times " + " ".join(f"{t:.3f}" for t in times), flush=True)
        elif cmd and cmd[0] == "quit":
            break
    print(f"maxrss_kb {vm_hwm_kb()}", flush=True)


def vm_hwm_kb():
    """Peak RSS of this process's address space (VmHWM). Not getrusage's
    ru_maxrss: Linux carries that across fork + exec from the parent, so every
    worker of a driver that has imported MXNet would report the driver's peak."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])


def worker_mxnet(prefix, batch, threads):
    t0 = time.perf_counter()
    import mxnet as mx
    sym, arg, aux = mx.model.load_checkpoint(prefix, 0)
    mod = mx.mod.Module(sym, data_names=["data"], label_names=None, context=mx.cpu())
    mod.bind(data_shapes=[("data", (batch, 3, 224, 224))], for_training=False)
    mod.set_params(arg, aux)
    x = mx.nd.array(np.random.RandomState(0).uniform(-1, 1, (batch, 3, 224, 224)))
    b = mx.io.DataBatch([x])

    def run_once():
        mod.forward(b, is_train=False)
        mod.get_outputs()[0].wait_to_read()
    run_once()
    serve(run_once, (time.perf_counter() - t0) * 1e3)


def worker_ort(onnx_path, batch, threads):
    t0 = time.perf_counter()
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    x = np.random.RandomState(0).uniform(-1, 1, (batch, 3, 224, 224)).astype(np.float32)

    def run_once():
        sess.run(None, {name: x})
    run_once()
    serve(run_once, (time.perf_counter() - t0) * 1e3)


# ---- driver ----

class Worker:
    def __init__(self, engine, model, batch, threads, files):
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
                   MXNET_ENGINE_TYPE="NaiveEngine" if threads == 1 else "ThreadedEnginePerDevice")
        if engine == "mxio":
            build = ROOT / os.environ.get("MXIO_BUILD", "build")
            cmd = [str(build / "bench_worker"), files[model] + "-symbol.json",
                   files[model] + "-0000.params", str(batch), str(threads)]
        else:
            arg = files[model] if engine == "mxnet" else files[f"{model}.onnx.{batch}"]
            cmd = [sys.executable, __file__, "--worker", engine, arg, str(batch), str(threads)]
        self.engine = engine
        self.log = tempfile.TemporaryFile(mode="w+")  # MXNet's and ORT's chatter; shown on failure
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  stderr=self.log, env=env)
        self.load = float(self.expect("load_ms")[0])
        self.times = []

    def expect(self, key):
        while True:
            line = self.p.stdout.readline()
            if not line:
                self.log.seek(0)
                raise RuntimeError(f"{self.engine} worker died (exit {self.p.wait()}):\n"
                                   + self.log.read()[-3000:])
            f = line.split()
            if f and f[0] == key:
                return f[1:]

    def run(self, n):
        self.p.stdin.write(f"run {n}\n")
        self.p.stdin.flush()
        self.times += [float(t) for t in self.expect("times")]

    def quit(self):
        self.p.stdin.write("quit\n")
        self.p.stdin.flush()
        self.rss = int(self.expect("maxrss_kb")[0]) / 1024
        self.p.wait()


def measure(model, batch, threads, files, rounds, runs):
    workers = {}
    try:
        for e in ENGINES:  # one at a time: each load is timed alone
            workers[e] = Worker(e, model, batch, threads, files)
        for w in workers.values():  # one untimed warm-up round
            w.run(1)
            w.times = []
        for r in range(rounds):
            for k in range(len(ENGINES)):
                workers[ENGINES[(r + k) % len(ENGINES)]].run(runs)
                time.sleep(PAUSE_S)
        for w in workers.values():
            w.quit()
    finally:
        for w in workers.values():
            if w.p.poll() is None:
                w.p.kill()
                w.p.wait()
    return {e: dict(load=w.load, rss=w.rss, median=float(np.median(w.times)),
                    best=min(w.times)) for e, w in workers.items()}


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


def constant_initializers(path):
    """MXNet's exporter also lists every weight as a graph input, which tells
    onnxruntime it may be overridden at run time: it then folds no BatchNorm into
    its convolution. Drop those inputs so the weights are constants, as a
    deployed ONNX model has them."""
    import onnx
    m = onnx.load(path)
    init = {t.name for t in m.graph.initializer}
    keep = [i for i in m.graph.input if i.name not in init]
    del m.graph.input[:]
    m.graph.input.extend(keep)
    onnx.save(m, path)


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
            constant_initializers(path)
            files[f"{m}.onnx.{b}"] = path
    return files


def peak(threads):
    build = ROOT / os.environ.get("MXIO_BUILD", "build")
    out = subprocess.run([str(build / "bench_worker"), "--peak", str(threads)], check=True,
                         capture_output=True, text=True).stdout
    kv = dict(l.split() for l in out.splitlines())
    return {k: float(v) for k, v in kv.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs=4)
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds per configuration")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per engine and round")
    ap.add_argument("--quick", action="store_true", help="batch 1 only")
    ap.add_argument("--models", default="resnet50_v1,mobilenetv2_1.0")
    ap.add_argument("--batches", default=None, help="e.g. 1,8")
    ap.add_argument("--threads", default="1,2")
    a = ap.parse_args()
    if a.worker:
        engine, arg, batch, threads = a.worker
        (worker_mxnet if engine == "mxnet" else worker_ort)(arg, int(batch), int(threads))
        return
    models = a.models.split(",")
    batches = [1] if a.quick else [int(b) for b in (a.batches or "1,8").split(",")]
    thread_counts = [int(t) for t in a.threads.split(",")]
    p1, p2 = peak(1), peak(2)
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {a.rounds} interleaved rounds x "
          f"{a.runs} runs per engine (after one warm-up run each)")
    print(f"# fp32 FMA peak, 1 thread: {p1['peak_gflops']:.1f} GFLOP/s (AVX2 "
          f"{p1['avx2_gflops']:.1f}, AVX-512 {p1['avx512_gflops']:.1f}); 2 threads measured "
          f"{p2['peak_gflops']:.1f}, taken as {2 * p1['peak_gflops']:.1f}")
    with tempfile.TemporaryDirectory() as td:
        d = pathlib.Path(td)
        files = prepare(d, models, batches)
        print(f"{'model':16} {'b':>2} {'thr':>3} | {'mxio ms':>15} {'mxnet ms':>15} {'ort ms':>15} | "
              f"{'mxnet/mxio':>10} {'ort/mxio':>8} | {'load ms mxio/mxnet/ort':>22} | "
              f"{'RSS MB mxio/mxnet/ort':>21} | {'loadavg':>9} | % peak (mxio)")
        print(f"{'':16} {'':>2} {'':>3} | {'median (min)':>15} {'median (min)':>15} "
              f"{'median (min)':>15} |")
        for m in models:
            for b in batches:
                flops = conv_fc_flops(files[m], b)
                for t in thread_counts:
                    la0 = os.getloadavg()[0]
                    r = measure(m, b, t, files, a.rounds, a.runs)
                    la1 = os.getloadavg()[0]
                    ms = r["mxio"]["median"]
                    pk = ""
                    if m.startswith("resnet50"):
                        g = flops / (ms / 1e3) / 1e9
                        pk = f"{100 * g / (t * p1['peak_gflops']):.0f}% ({g:.0f} GFLOP/s)"
                    col = lambda e: f"{r[e]['median']:7.1f} ({r[e]['best']:5.1f})"
                    print(f"{m:16} {b:>2} {t:>3} | {col('mxio')} {col('mxnet')} {col('ort')} | "
                          f"{r['mxnet']['median'] / ms:10.2f} {r['ort']['median'] / ms:8.2f} | "
                          f"{r['mxio']['load']:6.0f}/{r['mxnet']['load']:6.0f}/{r['ort']['load']:6.0f}"
                          f" | {r['mxio']['rss']:5.0f}/{r['mxnet']['rss']:5.0f}/{r['ort']['rss']:5.0f}"
                          f"   | {la0:4.2f}-{la1:4.2f} | {pk}", flush=True)
    print(f"# {time.strftime('%H:%M:%S', time.gmtime())} UTC; load average at the end "
          f"{os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
