"""Bad .params input: each damage to a real MXNet-written file gets its own clear
message (file, array index, byte offset) and a documented status, never a crash.
The files are written by MXNet in the test run and then damaged at offsets that
mxio's own dump of the intact file reports."""
import struct

import numpy as np
import pytest

from params_oracle import E_CORRUPT, E_FORMAT, E_LIMIT, E_TRUNCATED, dump, run

NAMES = ["arg:conv0_weight", "aux:bn_mean", "csr"]


@pytest.fixture
def good(mx, tmp_path):
    path = tmp_path / "model-0000.params"
    dense = np.zeros((3, 5), np.float32)
    dense[0, 1], dense[2, 4] = 1.5, -2.0
    mx.nd.save(str(path), {NAMES[0]: mx.nd.array(np.arange(48).reshape(4, 3, 2, 2)),
                           NAMES[1]: mx.nd.ones((4,)), NAMES[2]: mx.nd.array(dense).tostype("csr")})
    data = path.read_bytes()
    info, _ = dump(path, tmp_path)
    return path, data, info


def damaged(tmp_path, data, patches):
    b = bytearray(data)
    for off, raw in patches:
        b[off:off + len(raw)] = raw
    p = tmp_path / "model-0000.params"
    p.write_bytes(bytes(b))
    return p


def expect(path, code, *needles):
    r = run("json", path, check=False)
    err = r.stderr.decode(errors="replace")
    assert r.returncode == code, err
    assert "model-0000.params" in err, err
    for n in needles:
        assert n in err, (n, err)
    return err


def name_block_offset(data):
    return len(data) - (8 + sum(8 + len(n) for n in NAMES))


def test_truncated_at_every_offset(good, tmp_path):
    path, data, info = good
    for n in range(len(data)):
        p = tmp_path / "model-0000.params"
        p.write_bytes(data[:n])
        r = run("json", p, check=False)
        err = r.stderr.decode(errors="replace")
        assert r.returncode == E_TRUNCATED, (n, err)
        assert "model-0000.params" in err and ("offset" in err or "too short" in err), (n, err)


def test_truncated_payload_message(good, tmp_path):
    path, data, info = good
    o = info["arrays"][0]["offset"]
    payload_at = o + 4 + 4 + 4 + 4 * 8 + 8 + 4
    p = tmp_path / "model-0000.params"
    p.write_bytes(data[:payload_at + 10])
    expect(p, E_TRUNCATED, "array 0:", "shape (4,3,2,2) float32 needs 192 bytes, only 10 remain",
           f"offset 0x{payload_at:x}")


def test_wrong_list_magic(good, tmp_path):
    _, data, _ = good
    expect(damaged(tmp_path, data, [(0, b"GARBAGE!")]), E_FORMAT, "expected 0x112", "offset 0")


def test_big_endian_header(good, tmp_path):
    _, data, _ = good
    expect(damaged(tmp_path, data, [(0, struct.pack(">Q", 0x112))]), E_FORMAT, "big-endian")


def test_big_endian_record(good, tmp_path):
    _, data, info = good
    o = info["arrays"][1]["offset"]
    expect(damaged(tmp_path, data, [(o, data[o:o + 4][::-1])]), E_FORMAT, f"array 1 ('{NAMES[1]}'):", "big-endian")


def test_huge_ndim(good, tmp_path):
    _, data, info = good
    o = info["arrays"][0]["offset"]
    expect(damaged(tmp_path, data, [(o + 8, struct.pack("<i", 1000))]), E_LIMIT, f"array 0 ('{NAMES[0]}'):", "1000 dims",
           f"offset 0x{o + 8:x}")


def test_dims_product_overflows(good, tmp_path):
    _, data, info = good
    o = info["arrays"][0]["offset"]
    expect(damaged(tmp_path, data, [(o + 12, struct.pack("<4q", *[1 << 40] * 4))]), E_LIMIT, f"array 0 ('{NAMES[0]}'):",
           "overflows")


def test_negative_dim(good, tmp_path):
    _, data, info = good
    o = info["arrays"][0]["offset"]
    expect(damaged(tmp_path, data, [(o + 20, struct.pack("<q", -5))]), E_CORRUPT, f"array 0 ('{NAMES[0]}'):", "dim 1 is -5",
           f"offset 0x{o + 20:x}")


def test_negative_ndim_in_v2(good, tmp_path):
    _, data, info = good
    o = info["arrays"][1]["offset"]
    expect(damaged(tmp_path, data, [(o + 8, struct.pack("<i", -1))]), E_CORRUPT, f"array 1 ('{NAMES[1]}'):", "ndim -1")


def test_unknown_type_flag(good, tmp_path):
    _, data, info = good
    o = info["arrays"][1]["offset"]  # V2 dense (4,): magic, stype, ndim, 1 dim, ctx, type
    expect(damaged(tmp_path, data, [(o + 4 + 4 + 4 + 8 + 8, struct.pack("<i", 13))]), E_CORRUPT, f"array 1 ('{NAMES[1]}'):",
           "unknown type flag 13")


def test_unknown_storage_type(good, tmp_path):
    _, data, info = good
    o = info["arrays"][2]["offset"]
    expect(damaged(tmp_path, data, [(o + 4, struct.pack("<i", 7))]), E_CORRUPT, f"array 2 ('{NAMES[2]}'):", "unknown storage type 7")


def test_sparse_in_v3_record(good, tmp_path):
    _, data, info = good
    o = info["arrays"][2]["offset"]
    expect(damaged(tmp_path, data, [(o, struct.pack("<I", 0xF993FACA))]), E_CORRUPT, f"array 2 ('{NAMES[2]}'):", "V3")


def test_unknown_record_magic(good, tmp_path):
    _, data, info = good
    o = info["arrays"][1]["offset"]
    expect(damaged(tmp_path, data, [(o, struct.pack("<I", 0x12345678))]), E_CORRUPT, f"array 1 ('{NAMES[1]}'):",
           "0x12345678", "legacy")


def test_name_count_not_0_or_n(good, tmp_path):
    _, data, _ = good
    at = name_block_offset(data)
    assert struct.unpack_from("<Q", data, at)[0] == len(NAMES)
    expect(damaged(tmp_path, data, [(at, struct.pack("<Q", 2))]), E_CORRUPT, "name count 2", "array count 3",
           f"offset 0x{at:x}")


def test_name_not_utf8(good, tmp_path):
    _, data, _ = good
    at = name_block_offset(data) + 8 + 8 + len(NAMES[0]) + 8
    assert data[at:at + len(NAMES[1])] == NAMES[1].encode()
    expect(damaged(tmp_path, data, [(at, b"\xff\xfe")]), E_CORRUPT, "array 1", "not valid UTF-8")


def test_duplicate_names(good, tmp_path):
    _, data, _ = good
    at = name_block_offset(data) + 8 + 8 + len(NAMES[0]) + 8 + len(NAMES[1]) + 8
    assert data[at:at + 3] == b"csr"
    at0 = name_block_offset(data) + 8 + 8 + len(NAMES[0]) + 8
    patched = bytearray(data)
    patched[at0:at0 + 3] = b"csr"
    patched[at0 - 8:at0] = struct.pack("<Q", 3)
    # keep the file consistent: drop the rest of name 1
    b = bytes(patched[:at0 + 3]) + bytes(patched[at0 + len(NAMES[1]):])
    p = tmp_path / "model-0000.params"
    p.write_bytes(b)
    expect(p, E_CORRUPT, "array 2 ('csr'): duplicate name (also array 1)")


@pytest.mark.parametrize("count", [1 << 40, (1 << 64) - 1, None])
def test_array_count_too_large(good, tmp_path, count):
    """Refused before anything is allocated for it: the count cannot fit in the file."""
    _, data, _ = good
    if count is None:  # the largest count 4-byte records could fill, plus one
        count = (len(data) - 24) // 4 + 1
    expect(damaged(tmp_path, data, [(16, struct.pack("<Q", count))]), E_TRUNCATED, "cannot fit", "offset 0x10")


def test_array_count_one_too_many(good, tmp_path):
    """The name block is then read as a record: refused, whatever it looks like."""
    _, data, _ = good
    r = run("json", damaged(tmp_path, data, [(16, struct.pack("<Q", 4))]), check=False)
    assert r.returncode in (E_CORRUPT, E_TRUNCATED) and b"array 3:" in r.stderr, r.stderr


def test_reader_survives_bit_flips(good, tmp_path):
    """Single-byte damage anywhere gives a status, not a crash (crashes show as signals)."""
    _, data, _ = good
    for off in range(0, len(data), 3):
        b = bytearray(data)
        b[off] ^= 0xA5
        p = tmp_path / "model-0000.params"
        p.write_bytes(bytes(b))
        r = run("json", p, check=False)
        assert r.returncode in (0, E_FORMAT, E_TRUNCATED, E_CORRUPT, E_LIMIT), (off, r.returncode, r.stderr)


@pytest.mark.parametrize("saver", ["savez", "savez_compressed"])
def test_npz_truncated_and_flipped(tmp_path, saver):
    """Many prefixes and single-byte flips of a NumPy .npz: a documented status, no crash."""
    getattr(np, saver)(tmp_path / "a.npz", w=np.arange(12, dtype=np.float32).reshape(3, 4), b=np.ones(3, np.int8))
    data = (tmp_path / "a.npz").read_bytes()
    p = tmp_path / "model-0000.params"
    for n in range(0, len(data), 3):
        p.write_bytes(data[:n])
        r = run("json", p, check=False)
        assert r.returncode in (E_FORMAT, E_TRUNCATED, E_CORRUPT), (n, r.returncode, r.stderr)
        assert b"model-0000.params" in r.stderr
    for off in range(0, len(data), 7):
        b = bytearray(data)
        b[off] ^= 0x5A
        p.write_bytes(bytes(b))
        r = run("json", p, check=False)
        assert r.returncode in (0, E_FORMAT, E_TRUNCATED, E_CORRUPT, E_LIMIT, 11), (off, r.returncode, r.stderr)
