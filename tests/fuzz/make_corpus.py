#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpus (tests/fuzz/corpus/<target>/): a few tiny valid and
nearly valid inputs per target, so libFuzzer starts from the formats' real structure instead of
guessing magic numbers. Deterministic; rerun after changing a format and commit the result."""
import gzip
import io
import json
import os
import struct
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def idx_images(count, rows, cols):
    header = struct.pack(">IIII", 0x00000803, count, rows, cols)
    return header + bytes((i * 7 + 3) & 0xFF for i in range(count * rows * cols))


def idx_labels(labels):
    return struct.pack(">II", 0x00000801, len(labels)) + bytes(labels)


def idx_seeds():
    # First byte: bit 0 = the harness gzips the rest, bit 1 = a label file.
    images = idx_images(2, 3, 2)
    labels = idx_labels([0, 9, 3])
    return {
        "images-plain": b"\x00" + images,
        "images-gzipped-by-harness": b"\x01" + images,
        "images-raw-gzip": b"\x00" + gz(images),
        "labels-plain": b"\x02" + labels,
        "labels-raw-gzip": b"\x02" + gz(labels),
        "images-short": b"\x00" + images[:-1],
        "images-huge-count": b"\x01" + struct.pack(">IIII", 0x803, 0xFFFFFFFF, 28, 28) + bytes(64),
    }


CIFAR_FILES = ["data_batch_%d.bin" % i for i in range(1, 6)] + ["test_batch.bin"]


def cifar_record(label):
    return bytes([label]) + bytes(((label * 23 + i) & 0xFF) for i in range(3072))


def tar_of(members):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def cifar_seeds():
    # First byte (mod 4): 0 parse bytes, 1 batch file, 2 raw .tar.gz, 3 a tar the harness gzips.
    record = cifar_record(3)
    members = [("cifar-10-batches-bin/" + name, record) for name in CIFAR_FILES]
    tar = tar_of(members)
    return {
        "batch-parse": b"\x00" + record,
        "batch-file": b"\x01" + record,
        "archive-tar-gz": b"\x02" + gz(tar),
        "archive-unsafe-member": b"\x02" + gz(tar_of([("../data_batch_1.bin", record)])),
        "archive-tar-gzipped-by-harness": b"\x03" + tar,
    }


def result_seed():
    return {
        "schema": "trainbench-result/1", "status": "failed", "error": "x", "error_kind": "data",
        "created": "2026-01-01T00:00:00Z",
        "workload": {"name": "fashion-mlp", "dataset": "fashion-mnist", "data_source": "synthetic",
                     "train_samples": 1, "test_samples": 1, "parameters": 1,
                     "flops_per_sample": 1.5, "data_fingerprint": "crc32 0000beef"},
        "config": {"epochs": 1, "batch_size": 1, "optimizer": "adam", "learning_rate": 0.001,
                   "seed": 1, "threads": 1, "precision": "fp32"},
        "device": {"id": "cuda:0", "kind": "cuda", "name": "g", "memory_mb": 1,
                   "compute_capability": "9.0", "driver_version": "1",
                   "peak": {"fp32_tflops": 1, "bandwidth_gbs": None, "note": "n"}},
        "system": {"os": "l", "hostname": "h", "cpu_model": "c", "physical_cores": 1,
                   "logical_cores": 2, "memory_mb": None, "libtorch_version": "1",
                   "app_version": "0"},
        "epochs": [{"epoch": 1, "train_loss": 0.5, "train_accuracy": None, "seconds": 1,
                    "samples_per_second": 1}],
        "test": {"loss": 1, "accuracy": 0.5},
        "total_seconds": 1,
        "timeline": [{"t": 0, "cpu_percent": 1, "gpus": [{"device": "cuda:0", "power_w": 1}]}],
    }


def result_seeds():
    seed = json.dumps(result_seed(), separators=(",", ":")).encode()
    return {
        "result-failed": seed,
        "result-completed": seed.replace(b'"failed"', b'"completed"'),
        "nested": b"[" * 70 + b"]" * 70,
        "not-object": b'[1,"a",null,true,{"schema":2}]',
    }


def mirror_seeds():
    return {
        "one": b"http://datasets.lab/trainbench",
        "list": b"file:///mnt/datasets; default https://h:8080/x/",
        "odd": b"://;;  ,\tdefault\nhttp://",
    }


def env_lines(**variables):
    return "".join("%s=%s\n" % item for item in variables.items()).encode()


def launch_env_seeds():
    # Lines of NAME=VALUE (the environment) or --flag=VALUE; the whole input is also a node list.
    torchrun = dict(RANK=1, LOCAL_RANK=1, WORLD_SIZE=4, MASTER_ADDR="10.0.0.1", MASTER_PORT=29400)
    slurm = dict(SLURM_PROCID=5, SLURM_LOCALID=1, SLURM_NTASKS=8, SLURM_STEP_NUM_TASKS=8,
                 SLURM_JOB_NODELIST="gpu[003-004,010]", SLURM_NODELIST="gpu[003-004,010]")
    return {
        "torchrun": env_lines(**torchrun),
        "torchrun-agent-store": env_lines(**torchrun, TORCHELASTIC_USE_AGENT_STORE="True",
                                          TORCHELASTIC_RESTART_COUNT=1),
        "gloo-interfaces": env_lines(**torchrun, GLOO_SOCKET_IFNAME="eth0,ib0"),
        "slurm": env_lines(**slurm),
        "slurm-step": env_lines(**slurm, SLURM_STEP_NODELIST="rack1-n[4,6]"),
        "openmpi": env_lines(OMPI_COMM_WORLD_RANK=2, OMPI_COMM_WORLD_SIZE=4,
                             OMPI_COMM_WORLD_LOCAL_RANK=0, MASTER_ADDR="head"),
        "flags": b"--rank=1\n--world-size=2\n--master-addr=127.0.0.1\n--master-port=29501\n",
        "errors": env_lines(RANK="-1", WORLD_SIZE="99999999999", MASTER_PORT=0, MASTER_ADDR=""),
        "nodelist-padded": b"node[007-009]",
        "nodelist-hosts": b"a1,b[2-3]",
        "nodelist-two-brackets": b"r[2-3]n[05-06]x,c",
        "nodelist-broken": b"node[1-,[",
    }


TARGETS = {
    "fuzz_idx_reader": idx_seeds,
    "fuzz_cifar_reader": cifar_seeds,
    "fuzz_result_file": result_seeds,
    "fuzz_mirrors": mirror_seeds,
    "fuzz_launch_env": launch_env_seeds,
}


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    for target, make in TARGETS.items():
        folder = os.path.join(root, target)
        os.makedirs(folder, exist_ok=True)
        for name, data in make().items():
            with open(os.path.join(folder, name), "wb") as out:
                out.write(data)


if __name__ == "__main__":
    main()
