# TrainBench's workloads trained by PyTorch itself, in eager mode or under torch.compile, for
# comparison with trainbench-cli on the same GPU (bench/gpu_vs_pytorch.sh). It mirrors TrainBench
# step for step: the same models and Keras initialisation (core/models/), Keras's Adam
# (core/engine/keras_adam.cpp), batch 32, the data on the device and normalised once, a reshuffle
# every epoch, the last partial batch trained but left out of the steady-state figures, the
# steady state as the batch over the median step (each step timed on the device by CUDA events,
# as TrainBench's core/engine/step_clock.h), and the training time as the sum of the epochs'
# (model building and normalisation before the first left out). Data are synthetic (uniform random images and labels): the speed, not
# the accuracy, is measured. Prints one JSON object on stdout. Needs PyTorch 2.x with CUDA; not
# torchvision (the models are defined here).
#
#   python3 bench/reference/pytorch_train.py --workload cifar10-resnet50 --mode compile \
#       --precision bf16 --train-images 10000
import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

WARMUP_STEPS = 20  # full steps left out of the steady state: they include compilation
SHAPES = {"fashion-mlp": (1, 28, 28), "cifar10-resnet50": (3, 32, 32)}
DEFAULT_IMAGES = {"fashion-mlp": 60000, "cifar10-resnet50": 50000}
CLASSES = 10


# --- models (core/models/) ---------------------------------------------------------------------
# Modules are built in TrainBench's order, each Keras initialiser applied where TrainBench applies
# it, so that the CPU generator is drawn from in the same sequence.

def keras_dense(layer):
    nn.init.xavier_uniform_(layer.weight)  # Keras Dense: Glorot-uniform kernel, zero bias
    nn.init.zeros_(layer.bias)
    return layer


def keras_conv(cin, cout, kernel, stride=1, padding=0):
    conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=padding, bias=True)
    nn.init.xavier_uniform_(conv.weight)  # Keras Conv2D: a bias, Glorot-uniform kernel
    nn.init.zeros_(conv.bias)
    return conv


def keras_bn(channels):
    # keras.applications' epsilon; Keras's momentum 0.99 is 0.01 in torch's convention.
    return nn.BatchNorm2d(channels, eps=1.001e-5, momentum=0.01)


class FashionMlp(nn.Module):
    def __init__(self):
        super().__init__()
        # Both layers are built before either is initialised, as FashionMlp's constructor does.
        self.hidden = nn.Linear(28 * 28, 128)
        self.output = nn.Linear(128, CLASSES)
        keras_dense(self.hidden)
        keras_dense(self.output)

    def forward(self, x):
        return self.output(F.relu(self.hidden(x.flatten(1))))


class KerasBottleneck(nn.Module):
    """1x1 (strided) -> 3x3 -> 1x1 x4, each conv with a bias and BatchNorm; shortcut added before
    the last ReLU. Keras strides the first 1x1 conv, not the 3x3 (torchvision's v1.5 does)."""

    def __init__(self, cin, filters, stride, projection):
        super().__init__()
        out = 4 * filters
        self.shortcut = None
        if projection:
            self.shortcut = nn.Sequential(keras_conv(cin, out, 1, stride), keras_bn(out))
        self.conv1, self.bn1 = keras_conv(cin, filters, 1, stride), keras_bn(filters)
        self.conv2, self.bn2 = keras_conv(filters, filters, 3, 1, 1), keras_bn(filters)
        self.conv3, self.bn3 = keras_conv(filters, out, 1), keras_bn(out)

    def forward(self, x):
        shortcut = x if self.shortcut is None else self.shortcut(x)
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        return F.relu(self.bn3(self.conv3(y)) + shortcut)


class KerasResNet50(nn.Module):
    """tf.keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=10)."""
    STEM, BLOCKS, FILTERS = 64, (3, 4, 6, 3), (64, 128, 256, 512)  # core/models/resnet50.h

    def __init__(self, cin=3):
        super().__init__()
        self.stem_conv = keras_conv(cin, self.STEM, 7, 2, 3)  # ZeroPadding2D(3) + valid 7x7
        self.stem_bn = keras_bn(self.STEM)
        blocks, channels = [], self.STEM
        for stage, (count, filters) in enumerate(zip(self.BLOCKS, self.FILTERS)):
            for block in range(count):
                stride = 2 if block == 0 and stage > 0 else 1
                blocks.append(KerasBottleneck(channels, filters, stride, projection=block == 0))
                channels = 4 * filters
        self.blocks = nn.Sequential(*blocks)
        self.predictions = keras_dense(nn.Linear(channels, CLASSES))

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem_conv(x)))
        # Keras pads with zeros, torch with -inf: after the ReLU both give the same maximum.
        x = F.max_pool2d(x, 3, stride=2, padding=1)
        x = self.blocks(x).mean(dim=(2, 3))  # GlobalAveragePooling2D
        return self.predictions(x)


# --- Keras's Adam (core/engine/keras_adam.cpp) -------------------------------------------------

class KerasAdam:
    """epsilon added to sqrt(v) before bias correction, as Keras does (torch.optim.Adam adds it
    after). -lr_t of every planned step sits in a device table read at a device-side step count:
    no Python number changes from step to step, so a compiled or graph-captured step stays
    valid."""

    def __init__(self, params, planned_steps, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
        self.params = list(params)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        device = self.params[0].device
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        # In float64 on the host, then rounded once to the parameters' float32.
        rates = [-lr * math.sqrt(1.0 - beta2 ** t) / (1.0 - beta1 ** t)
                 for t in range(1, planned_steps + 1)]
        self.rates = torch.tensor(rates, dtype=torch.float64).to(device, torch.float32)
        self.step_index = torch.zeros(1, dtype=torch.long, device=device)
        # _foreach_mul(list, 0-dim tensor) is newer than the other foreach calls used here.
        try:
            torch._foreach_mul([self.m[0]], self.rates[:1].reshape(()))
            self.foreach_rate = True
        except (AttributeError, RuntimeError, TypeError):
            self.foreach_rate = False

    def mark_static(self):
        # Under CUDA graphs (reduce-overhead) only inputs at fixed addresses may be mutated.
        mark = getattr(torch._dynamo, "mark_static_address", lambda tensor: None)
        for t in self.params + self.m + self.v + [self.rates, self.step_index]:
            mark(t)

    def update(self, grads):
        with torch.no_grad():
            rate = self.rates.index_select(0, self.step_index).reshape(())  # -lr_t, on the device
            self.step_index.add_(1)
            torch._foreach_mul_(self.m, self.beta1)
            torch._foreach_add_(self.m, grads, alpha=1.0 - self.beta1)
            torch._foreach_mul_(self.v, self.beta2)
            torch._foreach_addcmul_(self.v, grads, grads, value=1.0 - self.beta2)
            denom = torch._foreach_sqrt(self.v)
            torch._foreach_add_(denom, self.eps)
            # p + (-lr_t * m) / d, rounded in the order TrainBench rounds it.
            scaled = (torch._foreach_mul(self.m, rate) if self.foreach_rate
                      else [m * rate for m in self.m])
            torch._foreach_addcdiv_(self.params, scaled, denom, value=1.0)


# --- run ---------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Train a TrainBench workload in PyTorch on synthetic data; prints JSON.")
    parser.add_argument("--workload", required=True, choices=sorted(SHAPES))
    parser.add_argument("--mode", default="eager", choices=["eager", "compile"])
    parser.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--train-images", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)  # exits 2 on a bad argument
    if args.train_images is None:
        args.train_images = DEFAULT_IMAGES[args.workload]
    for name in ("epochs", "train_images", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not args.device.startswith("cuda"):
        parser.error("--device must be cuda or cuda:N (the timing synchronises a CUDA device)")
    return args


def train(args):
    device = torch.device(args.device)
    if device.index is None:
        device = torch.device("cuda", torch.cuda.current_device())
    torch.cuda.set_device(device)
    # TrainBench's fp32 and bf16 leave TF32 off and cuDNN autotuning off. The legacy flags, as
    # TrainBench sets them: they keep the newer fp32_precision settings consistent, while a
    # write through the newer API can make a later legacy read (in the compiler) raise.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    n, batch = args.train_images, args.batch_size

    generator = torch.Generator(device=device)
    generator.manual_seed(args.seed)
    raw = torch.randint(0, 256, (n, *SHAPES[args.workload]), dtype=torch.uint8, device=device,
                        generator=generator)
    labels = torch.randint(0, CLASSES, (n,), dtype=torch.int64, device=device, generator=generator)
    torch.cuda.synchronize(device)
    start = time.perf_counter()  # data on the device: the seed scripts' clock starts here
    images = raw.to(torch.float32).div_(255.0)  # normalised once, on the clock
    del raw

    # As TrainBench: seeded, built on the CPU, then moved; the optimiser after the move.
    torch.manual_seed(args.seed)
    model = (FashionMlp() if args.workload == "fashion-mlp" else KerasResNet50()).to(device)
    model.train()
    params = list(model.parameters())
    full_steps, partial = divmod(n, batch)
    steps_per_epoch = full_steps + (1 if partial else 0)
    optimizer = KerasAdam(params, planned_steps=steps_per_epoch * args.epochs)
    bf16 = args.precision == "bf16"

    def forward_loss(x, y):
        # Autocast covers the forward pass only; the loss takes float32 logits either way.
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            logits = model(x)
        return F.cross_entropy(logits.float(), y), logits

    update = optimizer.update
    step_forward, step_update, compiled, fallback = forward_loss, update, "none", None
    mark_step = None
    if args.mode == "compile":
        # reduce-overhead: Inductor kernels replayed as CUDA graphs. Forward + loss is one
        # compiled function (AOTAutograd compiles its backward), the optimiser another.
        optimizer.mark_static()
        step_forward = torch.compile(forward_loss, mode="reduce-overhead")
        step_update = torch.compile(update, mode="reduce-overhead")
        compiled = "forward+optimizer"
        # Says a new step begins: the last step's graph outputs may now be overwritten.
        mark_step = getattr(getattr(torch, "compiler", None), "cudagraph_mark_step_begin", None)
    updates = 0  # optimiser steps taken, as the host counts them

    loss_sum = torch.zeros((), dtype=torch.float64, device=device)
    correct = torch.zeros((), dtype=torch.int64, device=device)

    def run_step(x, y, forward):
        nonlocal step_update, compiled, fallback, updates
        if mark_step is not None:
            mark_step()
        # Gradients dropped, not zeroed (zero_grad(set_to_none=True)): backward writes them
        # fresh. Dropped before the forward so no tensor from the last graph replay stays alive.
        for p in params:
            p.grad = None
        loss, logits = forward(x, y)
        # Device-side epoch figures (as TrainBench's EpochStats): no host sync within an epoch.
        # Used at once, before the next replay could overwrite the outputs, so nothing is cloned.
        loss_sum.add_(loss.detach(), alpha=x.shape[0])
        correct.add_((logits.detach().argmax(dim=1) == y).sum())
        loss.backward()
        grads = [p.grad for p in params]
        try:
            step_update(grads)
        except Exception as error:  # noqa: BLE001 - a compiler failure: train on without it
            if compiled != "forward+optimizer":
                raise
            step_update, compiled = update, "forward"
            fallback = f"the optimiser step did not compile: {type(error).__name__}: {error}"
            print(f"pytorch_train.py: {fallback}", file=sys.stderr)
            # A failure after the step ran (a graph recording) must not step twice.
            if int(optimizer.step_index.item()) == updates:
                update(grads)
        updates += 1

    epoch_seconds = []
    steady_seconds, steady_steps, done_full = 0.0, 0, 0
    step_seconds = []  # each steady step as the device ran it, for the median
    for _ in range(args.epochs):
        epoch_start = time.perf_counter()
        loss_sum.zero_()
        correct.zero_()
        order = torch.randperm(n, device=device)  # Keras reshuffles every epoch
        # The steady state counts full steps after the run's first WARMUP_STEPS, between device
        # synchronisations; an epoch's boundary (shuffle, partial batch, figures) stays outside.
        # An event queued after each step times it as the device ran it (waits for the host's
        # launches included) without a sync per step, as TrainBench's CUDA step clock does.
        segment_start, segment_steps, marks = None, 0, []
        for s in range(full_steps):
            if segment_start is None and done_full >= WARMUP_STEPS:
                torch.cuda.synchronize(device)
                segment_start, segment_steps = time.perf_counter(), full_steps - s
                marks.append(torch.cuda.Event(enable_timing=True))
                marks[-1].record()
            indices = order[s * batch:(s + 1) * batch]
            run_step(images.index_select(0, indices), labels.index_select(0, indices), step_forward)
            done_full += 1
            if segment_start is not None:
                marks.append(torch.cuda.Event(enable_timing=True))
                marks[-1].record()
        if segment_start is not None:
            torch.cuda.synchronize(device)
            steady_seconds += time.perf_counter() - segment_start
            steady_steps += segment_steps
            step_seconds += [a.elapsed_time(b) / 1e3 for a, b in zip(marks, marks[1:])]
        if partial:
            # Keras trains the last, smaller batch too. TrainBench's graph mode runs it eagerly;
            # so does compile mode here, rather than compiling a second shape for one step.
            indices = order[full_steps * batch:]
            run_step(images.index_select(0, indices), labels.index_select(0, indices), forward_loss)
        final_loss = loss_sum.item() / n  # reads the device: the epoch's work is done
        final_accuracy = correct.item() / n
        torch.cuda.synchronize(device)
        epoch_seconds.append(time.perf_counter() - epoch_start)
    # From the data on the device: normalisation and the model's building included. Not the
    # training seconds compared: TrainBench's are the sum of its epochs' times, as those below.
    clock_seconds = time.perf_counter() - start
    median_step = statistics.median(step_seconds) if step_seconds else None

    result = dict(
        framework="pytorch", torch_version=torch.__version__, cuda_version=torch.version.cuda,
        device_name=torch.cuda.get_device_name(device), workload=args.workload, mode=args.mode,
        compiled=compiled, precision=args.precision, batch_size=batch, epochs=args.epochs,
        train_images=n, epoch_seconds=epoch_seconds, train_seconds=sum(epoch_seconds),
        clock_seconds=clock_seconds,
        # None when the run has no full step after the warm-up (a dry run's tiny sizes). The
        # batch over the median step, as TrainBench's steady state; the mean over the same
        # steps (host clock between syncs) kept for reference.
        steady_samples_per_second=batch / median_step if median_step else None,
        steady_step_seconds_p50=median_step,
        steady_mean_samples_per_second=(steady_steps * batch / steady_seconds
                                        if steady_steps else None),
        steady_steps=steady_steps, final_epoch_loss=final_loss,
        final_epoch_accuracy=final_accuracy)
    if fallback is not None:
        result["compile_fallback"] = fallback
    return result


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not torch.cuda.is_available():
        print("pytorch_train.py: CUDA is not available", file=sys.stderr)
        return 1
    try:
        result = train(args)
    except Exception as error:  # noqa: BLE001 - reported as the run's failure
        print(f"pytorch_train.py: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
