"""Runtime conformance: mxio's forward pass against MXNet 1.9.1's on the same
files, all made by MXNet in this test run (random weights), plus the shared
models. rtol 1e-4, atol 1e-5 (fp32); the largest deviation per model is
printed (pytest -s)."""
import json
import pathlib
import re
import subprocess

import numpy as np
import pytest

import run_oracle as ro

FAST_ZOO = ["resnet18_v1", "mobilenet1.0", "mobilenetv2_1.0", "squeezenet1.1"]
SLOW_ZOO = ["resnet50_v1", "resnet50_v2", "densenet121", "vgg11_bn", "alexnet", "inceptionv3"]


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    """name -> (prefix, input shape), exported once per module."""
    made = {}

    def get(name):
        if name not in made:
            d = tmp_path_factory.mktemp(name.replace(".", "_"))
            made[name] = ro.export_zoo(name, d)
        return made[name]

    return get


def check_model(mxio, sym_path, params_path, inputs, d, label, extra=()):
    import mxnet as mx
    sym = mx.sym.load(str(sym_path))
    args, auxs = ro.load_params(params_path)
    want = ro.mxnet_forward(sym, args, auxs, inputs)
    got, _ = ro.run_mxio(mxio, sym_path, params_path, inputs, d, extra)
    got = list(got.values())
    assert len(got) == len(want), (len(got), len(want))
    for i, (g, w) in enumerate(zip(got, want)):
        ro.compare(f"{label} output {i}", g, w)
    return got, want


def zoo_case(mxio, zoo, name, tmp_path, batch=1, extra=()):
    prefix, shape = zoo(name)
    x = np.random.RandomState(1).uniform(-1, 1, (batch,) + shape[1:]).astype(np.float32)
    return check_model(mxio, prefix + "-symbol.json", prefix + "-0000.params", {"data": x},
                       tmp_path, f"{name} batch {batch}", extra)


@pytest.mark.parametrize("name", FAST_ZOO)
def test_gluon_zoo(mxio, zoo, name, tmp_path):
    zoo_case(mxio, zoo, name, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW_ZOO)
def test_gluon_zoo_large(mxio, zoo, name, tmp_path):
    zoo_case(mxio, zoo, name, tmp_path)


def test_batch_sizes(mxio, zoo, tmp_path):
    """One model at batch 1 and 3 (each a runner of its own), with 2 threads per run."""
    for b in (1, 3):
        zoo_case(mxio, zoo, "mobilenetv2_1.0", tmp_path, batch=b, extra=("--threads", "2"))


def test_two_threads_one_runner(build_dir, zoo, tmp_path):
    """Two threads run one runner at once with different inputs; both match MXNet."""
    import mxnet as mx
    prefix, shape = zoo("squeezenet1.1")
    rng = np.random.RandomState(5)
    xa = rng.uniform(-1, 1, shape).astype(np.float32)
    xb = rng.uniform(-1, 1, shape).astype(np.float32)
    np.save(tmp_path / "a.npy", xa)
    np.save(tmp_path / "b.npy", xb)
    p = subprocess.run([str(build_dir / "run_driver"), "threads", prefix + "-symbol.json",
                        prefix + "-0000.params", "data", tmp_path / "a.npy", tmp_path / "b.npy",
                        tmp_path / "oa.npy", tmp_path / "ob.npy", "4"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    sym = mx.sym.load(prefix + "-symbol.json")
    args, auxs = ro.load_params(prefix + "-0000.params")
    for x, out in ((xa, "oa.npy"), (xb, "ob.npy")):
        ro.compare(f"thread {out}", np.load(tmp_path / out),
                   ro.mxnet_forward(sym, args, auxs, {"data": x})[0])
    assert not np.allclose(np.load(tmp_path / "oa.npy"), np.load(tmp_path / "ob.npy"))


def test_input_and_weight_dtypes(mxio, zoo, tmp_path):
    """float16 / float64 inputs and float16 / float64 / bfloat16-like weights are
    converted to fp32 at load: the result equals MXNet's on the converted values."""
    import mxnet as mx
    prefix, shape = zoo("squeezenet1.1")
    sym = mx.sym.load(prefix + "-symbol.json")
    args, auxs = ro.load_params(prefix + "-0000.params")
    x = np.random.RandomState(2).uniform(-1, 1, shape).astype(np.float32)
    for wdt in ("float16", "float64"):
        conv = {k: v.astype(wdt) for k, v in args.items()}
        path = tmp_path / f"w_{wdt}.params"
        mx.nd.save(str(path), {**{f"arg:{k}": v for k, v in conv.items()},
                               **{f"aux:{k}": v for k, v in auxs.items()}})
        back = {k: v.astype("float32") for k, v in conv.items()}
        for xdt in ("float16", "float64"):
            xi = x.astype(xdt)
            want = ro.mxnet_forward(sym, back, auxs, {"data": xi.astype(np.float32)})[0]
            got, _ = ro.run_mxio(mxio, prefix + "-symbol.json", path, {"data": xi}, tmp_path)
            ro.compare(f"squeezenet1.1 weights {wdt} input {xdt}", list(got.values())[0], want)


def test_stats_report_planned_memory(mxio, zoo, tmp_path):
    """--stats: the planned peak is at least the largest activation MXNet infers
    and less than all activations together (buffers are reused)."""
    import mxnet as mx
    prefix, shape = zoo("resnet18_v1")
    x = np.zeros(shape, np.float32)
    np.save(tmp_path / "x.npy", x)
    r = mxio("run", prefix + "-symbol.json", "--input", f"data={tmp_path / 'x.npy'}", "--stats",
             check=0)
    stats = dict(line.split() for line in r.out.splitlines() if re.match(r"^[a-z_]+ [0-9.]+$", line))
    peak = int(stats["activation_peak_bytes"])
    total = int(stats["activation_no_reuse_bytes"])
    sym = mx.sym.load(prefix + "-symbol.json")
    internals = sym.get_internals()
    _, out_shapes, _ = internals.infer_shape(data=shape)
    variables = set(sym.list_arguments()) | set(sym.list_auxiliary_states())
    largest = max(int(np.prod(s)) * 4 for n, s in zip(internals.list_outputs(), out_shapes)
                  if n not in variables)
    print(f"\n[run-oracle] resnet18_v1 peak {peak} B, no reuse {total} B, largest tensor {largest} B")
    assert largest <= peak < total


def shared_symbols(models):
    out = sorted((models / "zoo-symbols" / "soeaver").glob("*-symbol.json"))
    out += [models / "squeezenet-v1.2" / "model-symbol.json",
            models / "mxnet-fixtures" / "mkldnn_model1.json",
            models / "mxnet-fixtures" / "save_000800.json"]
    return out


FAST_SHARED = {"model-symbol.json", "mkldnn_model1.json", "save_000800.json",
               "resnet18-priv-symbol.json"}


def shared_case(mxio, path, tmp_path):
    import mxnet as mx
    sym = mx.sym.load(str(path))
    data = [a for a in sym.list_arguments() if a == "data"]
    assert data, f"{path.name}: no 'data' input"
    shape = None
    for size in (224, 299, 32, 28):
        for ch in (3, 1):
            try:
                _, outs, _ = sym.infer_shape(data=(1, ch, size, size))
                if outs and all(s and min(s) > 0 for s in outs):
                    shape = (1, ch, size, size)
                    break
            except Exception:
                continue
        if shape:
            break
    if shape is None:
        pytest.fail(f"{path.name}: MXNet infers no shape for any usual input size")
    params = tmp_path / "random.params"
    args, auxs = ro.random_params(sym, {"data": shape}, params)
    x = np.random.RandomState(3).uniform(-1, 1, shape).astype(np.float32)
    try:
        want = ro.mxnet_forward(sym, args, auxs, {"data": x})
    except mx.base.MXNetError as e:
        pytest.skip(f"MXNet 1.9.1 itself cannot run {path.name}: {str(e)[:200]}")
    got, _ = ro.run_mxio(mxio, path, params, {"data": x}, tmp_path)
    got = list(got.values())
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        ro.compare(f"{path.parent.name}/{path.name} output {i} {shape}", g, w)
    # A softmax head squeezes everything to ~1/classes: compare its input too.
    g = json.loads(path.read_text())
    head = g["nodes"][g["heads"][0][0]]
    if head["op"] in ("SoftmaxOutput", "softmax", "SoftmaxActivation"):
        src = g["nodes"][head["inputs"][0][0]]
        if src["op"] != "null":
            name = src["name"] + "_output"
            inner = sym.get_internals()[name]
            want = ro.mxnet_forward(inner, args, auxs, {"data": x})[0]
            got, _ = ro.run_mxio(mxio, path, params, {"data": x}, tmp_path, ("--output", name))
            # An extra check beyond the model's output: logits of deep random nets reach
            # tens, so the absolute tolerance follows their scale.
            ro.compare(f"{path.parent.name}/{path.name} {name}", list(got.values())[0], want,
                       atol=ro.ATOL * max(1.0, float(np.max(np.abs(want)))))


@pytest.mark.parametrize("name", sorted(FAST_SHARED))
def test_shared_symbol(mxio, models, name, tmp_path):
    path = next(p for p in shared_symbols(models) if p.name == name)
    shared_case(mxio, path, tmp_path)


@pytest.mark.slow
def test_shared_symbols_large(mxio, models, tmp_path):
    paths = [p for p in shared_symbols(models) if p.name not in FAST_SHARED]
    assert len(paths) >= 20
    for p in paths:
        d = tmp_path / p.stem
        d.mkdir()
        shared_case(mxio, p, d)


def test_mobilefacenet_real_weights(mxio, models, tmp_path):
    """InsightFace MobileFaceNet with its real weights: embedding cosine >= 0.99999
    and within the fp32 tolerance."""
    import mxnet as mx
    d = models / "mobilefacenet-y1"
    sym = mx.sym.load(str(d / "model-symbol.json"))
    args, auxs = ro.load_params(d / "model-0000.params")
    rng = np.random.RandomState(4)
    x = rng.uniform(0, 255, (2, 3, 112, 112)).astype(np.float32)
    want = ro.mxnet_forward(sym, args, auxs, {"data": x})[0]
    got, _ = ro.run_mxio(mxio, d / "model-symbol.json", d / "model-0000.params", {"data": x},
                         tmp_path)
    got = list(got.values())[0]
    for i in range(x.shape[0]):
        g, w = got[i].ravel().astype(np.float64), want[i].ravel().astype(np.float64)
        cos = float(g @ w / (np.linalg.norm(g) * np.linalg.norm(w)))
        print(f"\n[run-oracle] mobilefacenet sample {i}: cosine {cos:.9f}")
        assert cos >= 0.99999
    ro.compare("mobilefacenet-y1", got, want)


def test_unsupported_ops_one_error(mxio, mx, tmp_path):
    """One error naming every op without a kernel, with its count and first nodes,
    checked against the symbol file itself (a graph MXNet builds with ops the
    runtime does not bind; the GluonCV int8 models, once the example here, now
    run: tests/run/test_run_int8.py)."""
    a = mx.sym.var("data")
    lab = mx.sym.var("label")
    c0 = mx.sym.CTCLoss(a, lab, name="ctc0")
    c1 = mx.sym.CTCLoss(a * 2, lab, name="ctc1")
    q0 = mx.sym.contrib.quantize(a, mx.sym.var("lo"), mx.sym.var("hi"), name="q0")
    r = mx.sym.relu(a, name="relu0")
    group = [c0, c1, q0[0], r]
    path = tmp_path / "unbound-symbol.json"
    mx.sym.Group(group).save(str(path))
    r = mxio("run", path, "--array-path", "none", "--shape", "data=4,2,5")
    assert r.code == 13, r
    msg = r.err.strip().splitlines()[-1]
    assert "unsupported ops: " in msg, msg
    listed = re.findall(r"([A-Za-z0-9_]+) x(\d+) \(first: ([^)]*)\)", msg.split("unsupported ops: ", 1)[1])
    assert listed, msg
    nodes = ro.op_nodes(path)
    for op, count, first in listed:
        names = [n for o, n in nodes if o == op]
        assert int(count) == len(names), (op, count, len(names))
        assert first.split(", ") == names[:3], (op, first, names[:3])
    assert {op for op, _, _ in listed} == {"CTCLoss", "_contrib_quantize"}, msg
