#!/usr/bin/python3
"""HRNet in PyTorch, the peer that `./hrnet bench --vs-pytorch` times against this project's DL4J realisations.

The network is written here from the architecture of the HRNet paper (Sun et al., CVPR 2019, arXiv 1902.09212)
and the module layout of the official code (github.com/leoxiaobin/deep-high-resolution-net.pytorch,
lib/models/pose_hrnet.py), so that its state-dict keys are the official ones and official checkpoints load with
strict=True. It is built from an official-style experiment config (the MODEL section: NUM_JOINTS,
IMAGE_SIZE [width, height], EXTRA.STAGE2..4, FINAL_CONV_KERNEL, plus this project's STEM_CHANNELS, LAYER1_BLOCKS
and LAYER1_PLANES), the same description the Java side builds its networks from.

Modes (one JSON document or JSON lines on stdout; errors are one line on stderr):

  --verify [--oracle DIR] [--threads N]
      Proves this definition is the official network: builds the tiny oracle config (DIR/tiny_config.json),
      loads DIR/tiny_hrnet.npz (official keys, strict), runs DIR/tiny_input.npy in eval mode and compares with
      DIR/tiny_output.npy. Prints {"verify": {"max_abs_diff": d, "tolerance": 1e-4, "ok": bool, ...}}.
      Exit 0 when d <= 1e-4, 1 otherwise.
  --serve --config FILE --threads N [--infer-batches 1,8] [--train-batch 8] [--seed S]
      Builds the network from FILE (random official init: conv weights N(0, 0.001), BN weight 1, bias 0) and
      answers stdin lines: "round" times one repetition of every measurement and prints one JSON line
      {"round": i, "seconds": {"infer_b1": s, "infer_b8": s, "train_b8": s}, "peak_rss_bytes": n};
      "quit" exits. The first line printed is {"ready": true, ...} with the torch version, threads and
      parameter count. Used by the Java bench, which alternates rounds with its own child process.
  --bench --config FILE --threads N [--infer-batches 1,8] [--train-batch 8] [--warmup 1] [--repeats 3]
      Stand-alone: warm-up rounds, then timed rounds; prints medians {"seconds": {...}, "rounds": [...]}.

Measurements: infer_bN is one eval-mode forward of a [N, 3, H, W] float32 batch under torch.no_grad();
train_bN is one training step: forward in train mode (BN batch statistics), the official JointsMSELoss with
target weights (lib/core/loss.py: 0.5 * mean over joints of MSE(pred * w, gt * w)), backward and an Adam step
(lr 1e-3), the official recipe's optimizer. Seconds are wall-clock (time.perf_counter).
Exit codes: 0 success, 1 verification mismatch, 2 usage or input error, 3 torch/numpy missing.
"""
import argparse
import json
import os
import sys
import time

try:
    import numpy as np
    import torch
    import torch.nn as nn
except ImportError as e:  # the Java side installs python3-torch with apt and says so
    sys.stderr.write("pytorch_hrnet.py: %s (install Debian's python3-torch and python3-numpy)\n" % e)
    sys.exit(3)

BN_MOMENTUM = 0.1  # official BN_MOMENTUM; eps is PyTorch's default 1e-5
TOLERANCE = 1e-4


class UsageError(Exception):
    """A bad option or config field: reported as one line, exit 2."""


# ---------------------------------------------------------------------------------------------------------------
# The network. Module attribute names give the official state-dict keys (conv1, bn1, layer1.{b}.conv{1,2,3},
# transition{s}.{i}..., stage{s}.{m}.branches.{b}.{k}.conv{1,2}, stage{s}.{m}.fuse_layers.{i}.{j}..., final_layer).
# ---------------------------------------------------------------------------------------------------------------

def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(cin, cout):
    return nn.Conv2d(cin, cout, kernel_size=1, stride=1, padding=0, bias=False)


def bn(c):
    return nn.BatchNorm2d(c, momentum=BN_MOMENTUM)


class ResidualBlock(nn.Module):
    """The residual block both HRNet blocks are: convolutions conv1..convN, each followed by its BN (bn1..bnN) and,
    but for the last, a ReLU; then + residual (projected by `downsample` when given), ReLU. The subclasses give
    the convolutions; attribute names are the official keys (lib/models/pose_hrnet.py BasicBlock, Bottleneck)."""
    expansion = 1

    def __init__(self, convs, downsample):
        super().__init__()
        for i, conv in enumerate(convs, 1):
            setattr(self, "conv%d" % i, conv)
            setattr(self, "bn%d" % i, bn(conv.out_channels))
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.depth = len(convs)

    def forward(self, x):
        shortcut = x if self.downsample is None else self.downsample(x)
        y = x
        for i in range(1, self.depth + 1):
            y = getattr(self, "bn%d" % i)(getattr(self, "conv%d" % i)(y))
            if i < self.depth:
                y = self.relu(y)
        return self.relu(y + shortcut)


class BasicBlock(ResidualBlock):
    """3x3, BN, ReLU, 3x3, BN, + residual (optionally projected), ReLU; expansion 1."""
    expansion = 1

    def __init__(self, cin, planes, downsample=None):
        super().__init__([conv3x3(cin, planes), conv3x3(planes, planes)], downsample)


class Bottleneck(ResidualBlock):
    """1x1, BN, ReLU, 3x3, BN, ReLU, 1x1 (x4 channels), BN, + residual (optionally projected), ReLU."""
    expansion = 4

    def __init__(self, cin, planes, downsample=None):
        super().__init__([conv1x1(cin, planes), conv3x3(planes, planes), conv1x1(planes, planes * 4)], downsample)


BLOCKS = {"BASIC": BasicBlock, "BOTTLENECK": Bottleneck}


def residual_layer(block, cin, planes, count):
    """`count` blocks; the first projects the shortcut (1x1 conv + BN, keys .0.downsample.{0,1}) when widths differ."""
    down = None
    if cin != planes * block.expansion:
        down = nn.Sequential(conv1x1(cin, planes * block.expansion), bn(planes * block.expansion))
    layers = [block(cin, planes, down)]
    for _ in range(1, count):
        layers.append(block(planes * block.expansion, planes))
    return nn.Sequential(*layers)


class MultiResolutionModule(nn.Module):
    """One HighResolutionModule: parallel branches of residual blocks, then the fuse layers, which sum every
    branch's contribution at each output resolution and apply ReLU. Contribution of branch j to output i:
    j > i: 1x1 conv + BN + nearest upsampling x2^(j-i); j == i: identity; j < i: (i-j) 3x3 stride-2 conv + BN
    steps, ReLU after every step but the last. Only output 0 is produced when multi_scale_output is False."""

    def __init__(self, block, num_blocks, cin, channels, multi_scale_output):
        super().__init__()
        n = len(channels)
        self.branches = nn.ModuleList(
            [residual_layer(block, cin[b], channels[b], num_blocks[b]) for b in range(n)])
        width = [c * block.expansion for c in channels]
        self.out_width = width if multi_scale_output else width[:1]
        self.fuse_layers = None
        if n > 1:
            fuse = []
            for i in range(n if multi_scale_output else 1):
                row = []
                for j in range(n):
                    if j > i:
                        row.append(nn.Sequential(conv1x1(width[j], width[i]), bn(width[i]),
                                                 nn.Upsample(scale_factor=2 ** (j - i), mode="nearest")))
                    elif j == i:
                        row.append(None)
                    else:
                        steps = []
                        for k in range(i - j):
                            if k == i - j - 1:
                                steps.append(nn.Sequential(conv3x3(width[j], width[i], 2), bn(width[i])))
                            else:
                                steps.append(nn.Sequential(conv3x3(width[j], width[j], 2), bn(width[j]),
                                                           nn.ReLU(inplace=True)))
                        row.append(nn.Sequential(*steps))
                fuse.append(nn.ModuleList(row))
            self.fuse_layers = nn.ModuleList(fuse)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, xs):
        xs = [branch(x) for branch, x in zip(self.branches, xs)]
        if self.fuse_layers is None:
            return xs
        out = []
        for i, row in enumerate(self.fuse_layers):
            y = None
            for j, f in enumerate(row):
                t = xs[j] if f is None else f(xs[j])
                y = t if y is None else y + t
            out.append(self.relu(y))
        return out


def transition(pre, cur):
    """Branch i of the next stage: existing branch whose width changes -> 3x3 conv + BN + ReLU (keys .i.{0,1});
    unchanged -> None; new branch -> a chain of 3x3 stride-2 conv + BN + ReLU from the lowest-resolution input
    (keys .i.{k}.{0,1}), the last step mapping to the new width."""
    layers = []
    for i, c in enumerate(cur):
        if i < len(pre):
            layers.append(None if c == pre[i] else
                          nn.Sequential(conv3x3(pre[i], c), bn(c), nn.ReLU(inplace=True)))
        else:
            steps = []
            for k in range(i + 1 - len(pre)):
                out = c if k == i - len(pre) else pre[-1]
                steps.append(nn.Sequential(conv3x3(pre[-1], out, 2), bn(out), nn.ReLU(inplace=True)))
            layers.append(nn.Sequential(*steps))
    return nn.ModuleList(layers)


class PoseHRNet(nn.Module):
    """Input [N, 3, H, W] float32 NCHW; output heatmaps [N, K, H/4, W/4]."""

    def __init__(self, cfg):
        super().__init__()
        stem, l1_blocks, l1_planes = cfg["stem"], cfg["layer1_blocks"], cfg["layer1_planes"]
        self.conv1 = nn.Conv2d(3, stem, 3, 2, 1, bias=False)
        self.bn1 = bn(stem)
        self.conv2 = nn.Conv2d(stem, stem, 3, 2, 1, bias=False)
        self.bn2 = bn(stem)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = residual_layer(Bottleneck, stem, l1_planes, l1_blocks)
        pre = [l1_planes * Bottleneck.expansion]
        self.num_stages = len(cfg["stages"])
        for s, st in enumerate(cfg["stages"]):
            block = BLOCKS[st["block"]]
            cur = [c * block.expansion for c in st["channels"]]
            setattr(self, "transition%d" % (s + 1), transition(pre, cur))
            last = s == self.num_stages - 1
            modules = []
            cin = cur
            for m in range(st["modules"]):
                msm = not (last and m == st["modules"] - 1)
                modules.append(MultiResolutionModule(block, st["blocks"], cin, st["channels"], msm))
                cin = modules[-1].out_width
            setattr(self, "stage%d" % (s + 2), nn.Sequential(*modules))
            pre = cur
        k = cfg["final_kernel"]
        self.final_layer = nn.Conv2d(pre[0], cfg["joints"], k, 1, 1 if k == 3 else 0)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.relu(self.bn2(self.conv2(x)))
        ys = [self.layer1(x)]
        for s in range(self.num_stages):
            trans = getattr(self, "transition%d" % (s + 1))
            xs = []
            for i, t in enumerate(trans):
                src = ys[i] if i < len(ys) else ys[-1]
                xs.append(src if t is None else t(src))
            ys = getattr(self, "stage%d" % (s + 2))(xs)
        return self.final_layer(ys[0])


def init_official(model):
    """Official init_weights without pretrained files: conv weights N(0, 0.001), biases 0; BN weight 1, bias 0."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.normal_(m.weight, std=0.001)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)


# ---------------------------------------------------------------------------------------------------------------
# Config
# ---------------------------------------------------------------------------------------------------------------

def parse_config(doc, where):
    """Official experiment config (or its MODEL section) -> the plain dict PoseHRNet takes."""
    model = doc.get("MODEL", doc) if isinstance(doc, dict) else None
    if not isinstance(model, dict):
        raise UsageError("%s: expected a mapping with a MODEL section" % where)
    extra = model.get("EXTRA")
    if not isinstance(extra, dict):
        raise UsageError("%s: MODEL.EXTRA is missing" % where)
    if extra.get("DEHRNET") is not None:
        raise UsageError("%s: MODEL.EXTRA.DEHRNET: the PyTorch peer is plain HRNet only" % where)

    def integer(node, key, path, default=None):
        v = node.get(key, default)
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise UsageError("%s: %s must be a positive integer, got %r" % (where, path, v))
        return v

    size = model.get("IMAGE_SIZE")
    if not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and v > 0 for v in size)):
        raise UsageError("%s: MODEL.IMAGE_SIZE must be [width, height], got %r" % (where, size))
    stages = []
    for s in (2, 3, 4):
        st = extra.get("STAGE%d" % s)
        if st is None:
            break
        path = "MODEL.EXTRA.STAGE%d" % s
        block = st.get("BLOCK")
        if block not in BLOCKS:
            raise UsageError("%s: %s.BLOCK must be BASIC or BOTTLENECK, got %r" % (where, path, block))
        if st.get("FUSE_METHOD", "SUM") != "SUM":
            raise UsageError("%s: %s.FUSE_METHOD must be SUM" % (where, path))
        n = integer(st, "NUM_BRANCHES", path + ".NUM_BRANCHES")
        blocks, channels = st.get("NUM_BLOCKS"), st.get("NUM_CHANNELS")
        for name, arr in (("NUM_BLOCKS", blocks), ("NUM_CHANNELS", channels)):
            if not (isinstance(arr, list) and len(arr) == n and all(isinstance(v, int) and v > 0 for v in arr)):
                raise UsageError("%s: %s.%s must be %d positive integers, got %r" % (where, path, name, n, arr))
        if n != len(stages) + 2:
            raise UsageError("%s: %s.NUM_BRANCHES must be %d, got %d" % (where, path, len(stages) + 2, n))
        stages.append({"modules": integer(st, "NUM_MODULES", path + ".NUM_MODULES"), "block": block,
                       "blocks": blocks, "channels": channels})
    if not stages:
        raise UsageError("%s: MODEL.EXTRA.STAGE2 is missing" % where)
    k = extra.get("FINAL_CONV_KERNEL", 1)
    if k not in (1, 3):
        raise UsageError("%s: MODEL.EXTRA.FINAL_CONV_KERNEL must be 1 or 3, got %r" % (where, k))
    return {"joints": integer(model, "NUM_JOINTS", "MODEL.NUM_JOINTS"), "width": size[0], "height": size[1],
            "stem": integer(extra, "STEM_CHANNELS", "MODEL.EXTRA.STEM_CHANNELS", 64),
            "layer1_blocks": integer(extra, "LAYER1_BLOCKS", "MODEL.EXTRA.LAYER1_BLOCKS", 4),
            "layer1_planes": integer(extra, "LAYER1_PLANES", "MODEL.EXTRA.LAYER1_PLANES", 64),
            "stages": stages, "final_kernel": k}


def read_json(path):
    try:
        with open(path, "r", encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise UsageError("%s: %s" % (path, e.strerror or e))
    except ValueError as e:
        raise UsageError("%s: not valid JSON: %s" % (path, e))


def peak_rss_bytes():
    """VmHWM of /proc/self/status (the process's peak resident set), bytes; -1 where unavailable."""
    try:
        with open("/proc/self/status", "r") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return -1


# ---------------------------------------------------------------------------------------------------------------
# Modes
# ---------------------------------------------------------------------------------------------------------------

def verify(oracle, threads):
    torch.set_num_threads(threads)
    doc = read_json(os.path.join(oracle, "tiny_config.json"))
    cfg = parse_config(doc["cfg"], os.path.join(oracle, "tiny_config.json"))
    model = PoseHRNet(cfg)
    try:
        npz = np.load(os.path.join(oracle, "tiny_hrnet.npz"))
        state = {k: torch.from_numpy(np.array(npz[k])) for k in npz.files}
        x = torch.from_numpy(np.load(os.path.join(oracle, "tiny_input.npy")))
        expected = np.load(os.path.join(oracle, "tiny_output.npy"))
    except OSError as e:
        raise UsageError("oracle %s: %s" % (oracle, e))
    model.load_state_dict(state, strict=True)  # every official key present, none extra, shapes equal
    model.eval()
    with torch.no_grad():
        y = model(x).numpy()
    if y.shape != expected.shape:
        diff = float("inf")
    else:
        diff = float(np.max(np.abs(y.astype(np.float64) - expected.astype(np.float64))))
    params = sum(p.numel() for p in model.parameters())
    return {"verify": {"max_abs_diff": diff, "tolerance": TOLERANCE, "ok": diff <= TOLERANCE,
                       "output_shape": list(y.shape), "expected_shape": list(expected.shape),
                       "params": params, "expected_params": doc.get("num_params"),
                       "state_dict_entries": len(state), "threads": threads, "torch": torch.__version__}}


class Workload:
    """The network, inputs and optimizer of one configuration; round() times each measurement once."""

    def __init__(self, cfg, infer_batches, train_batch, seed):
        torch.manual_seed(seed)
        self.model = PoseHRNet(cfg)
        init_official(self.model)
        self.params = sum(p.numel() for p in self.model.parameters())
        h, w, k = cfg["height"], cfg["width"], cfg["joints"]
        self.inputs = {b: torch.rand(b, 3, h, w) for b in infer_batches}
        self.train_batch = train_batch
        if train_batch:
            self.train_x = torch.rand(train_batch, 3, h, w)
            self.train_y = torch.rand(train_batch, k, h // 4, w // 4)
            self.train_w = torch.ones(train_batch, k, 1)
            self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)

    def train_step(self):
        self.model.train()
        out = self.model(self.train_x)
        n, k = out.shape[0], out.shape[1]
        pred = out.reshape(n, k, -1) * self.train_w
        gt = self.train_y.reshape(n, k, -1) * self.train_w
        loss = 0.5 * ((pred - gt) ** 2).mean()  # = official sum over joints of 0.5 * MSE, / K
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return float(loss)

    def round(self):
        seconds = {}
        self.model.eval()
        with torch.no_grad():
            for b, x in self.inputs.items():
                t0 = time.perf_counter()
                self.model(x)
                seconds["infer_b%d" % b] = time.perf_counter() - t0
        if self.train_batch:
            t0 = time.perf_counter()
            self.train_step()
            seconds["train_b%d" % self.train_batch] = time.perf_counter() - t0
        return seconds


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def batches_arg(text):
    try:
        out = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected comma-separated batch sizes, got %r" % text)
    if any(b < 1 or b > 4096 for b in out):
        raise argparse.ArgumentTypeError("batch sizes must be in 1..4096, got %r" % text)
    return out


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--verify", action="store_true", help="check against the tiny oracle (exit 1 if > 1e-4)")
    mode.add_argument("--serve", action="store_true", help="answer 'round' lines on stdin with JSON lines")
    mode.add_argument("--bench", action="store_true", help="stand-alone timing, medians")
    p.add_argument("--oracle", default=os.path.join(here, "..", "..", "shared", "oracle"),
                   help="oracle folder (default: ../shared/oracle beside the checkout)")
    p.add_argument("--config", help="official-style experiment config, JSON (MODEL section)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--infer-batches", type=batches_arg, default=[1, 8])
    p.add_argument("--train-batch", type=int, default=8, help="0 = no training step")
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    if a.threads < 1 or a.threads > 1024:
        raise UsageError("--threads must be in 1..1024, got %d" % a.threads)
    if a.train_batch < 0 or a.train_batch > 4096 or a.warmup < 0 or a.repeats < 1 or a.repeats > 10000:
        raise UsageError("--train-batch must be 0..4096, --warmup >= 0 and --repeats 1..10000")
    if a.verify:
        result = verify(a.oracle, a.threads)
        emit(result)
        return 0 if result["verify"]["ok"] else 1
    if not a.config:
        raise UsageError("--config FILE is required with --serve and --bench")
    cfg = parse_config(read_json(a.config), a.config)
    torch.set_num_threads(a.threads)
    work = Workload(cfg, a.infer_batches, a.train_batch, a.seed)
    header = {"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
              "params": work.params, "python": sys.version.split()[0]}
    if a.serve:
        emit(header)
        i = 0
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "quit":
                break
            if cmd != "round":
                raise UsageError("unknown command %r (expected round or quit)" % cmd)
            emit({"round": i, "seconds": work.round(), "peak_rss_bytes": peak_rss_bytes()})
            i += 1
        return 0
    for _ in range(a.warmup):
        work.round()
    rounds = [work.round() for _ in range(a.repeats)]
    medians = {k: float(np.median([r[k] for r in rounds])) for k in rounds[0]}
    header.pop("ready")
    header.update({"seconds": medians, "rounds": rounds, "peak_rss_bytes": peak_rss_bytes()})
    emit(header)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except UsageError as e:
        sys.stderr.write("pytorch_hrnet.py: %s\n" % e)
        sys.exit(2)
    except RuntimeError as e:  # e.g. load_state_dict with missing/unexpected keys: first line only
        sys.stderr.write("pytorch_hrnet.py: %s\n" % str(e).splitlines()[0])
        sys.exit(2)
