"""Renditions: a 12-megapixel photo-like JPEG -> the full set, ours against a naive Pillow baseline
and against libvips (pyvips, a bench-only dependency: Debian's libvips42 from ``make bench-deps``).

The baseline decodes once and resizes from full size with LANCZOS for every width, saving JPEG q=82
and WebP q=80 with Pillow's default method. Both run in this same invocation, on the same input.
Time is the median of several runs; peak memory is measured in a fresh subprocess per pipeline
(Pillow allocates pixels outside Python's allocator, so tracemalloc cannot see them: we read the
process's peak RSS before and after); SSIM compares each of our renditions with the baseline's.

pyvips runs a chain as its users write one: ``thumbnail_buffer`` to the largest width (shrink on
load), then each smaller width resized from the previous with lanczos3; WebP Q=80, JPEG Q=82 with
optimised Huffman tables. "ours" makes the same widths (the cover crops are timed apart).

Run: ``python -m bench.renditions``.
"""

from __future__ import annotations

import functools
import io
import random
import subprocess
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from bench.stats import median_ms, table, timings
from uploads.renditions import ENCODE_THREADS, SPECS, WIDTHS, image_renditions

WIDTH_SPECS = tuple(spec for spec in SPECS if spec.operation == "width")

PHOTO_SIZE = (4000, 3000)  # 12 megapixels, a phone camera's 4:3
RUNS = 5


def photo_like_jpeg(*, size: tuple[int, int] = PHOTO_SIZE, seed: int = 12) -> bytes:
    """Return a deterministic photo-like JPEG: smooth gradients, soft shapes, sensor-like noise."""
    rng = random.Random(seed)
    width, height = size
    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    blue = Image.linear_gradient("L").rotate(90).resize(size)
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(40, 600)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            points = [(x + rng.randrange(-r, r), y + rng.randrange(-r, r)) for _ in range(5)]
            draw.polygon(points, fill=colour)
    for _ in range(400):  # fine detail: twigs, text-like strokes
        x, y = rng.randrange(width), rng.randrange(height)
        draw.line((x, y, x + rng.randrange(-80, 80), y + rng.randrange(-80, 80)), fill=(20, 20, 20), width=2)
    image = image.filter(ImageFilter.GaussianBlur(3))
    noise = Image.effect_noise(size, 24).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def naive_renditions(data: bytes) -> dict[tuple[int, str], bytes]:
    """The baseline: decode once, LANCZOS from full size for each width, Pillow's default encoders."""
    image = Image.open(io.BytesIO(data))
    image.load()
    out: dict[tuple[int, str], bytes] = {}
    for width in WIDTHS:
        if width > image.width:
            continue
        height = round(image.height * width / image.width)
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        for fmt, options in (("jpeg", {"quality": 82}), ("webp", {"quality": 80})):
            buffer = io.BytesIO()
            resized.save(buffer, fmt.upper(), **options)
            out[(width, fmt)] = buffer.getvalue()
    return out


def ours(data: bytes) -> dict[tuple[int, str], bytes]:
    return {(r.width, r.format): r.data for r in image_renditions(data, specs=WIDTH_SPECS).renditions}


def ours_with_crops(data: bytes) -> dict[tuple[int, str], bytes]:
    return {(r.width, r.format, r.crop): r.data for r in image_renditions(data).renditions}  # type: ignore[misc]


def vips_renditions(data: bytes) -> dict[tuple[int, str], bytes]:
    """libvips: shrink on load to the largest width, then a lanczos3 chain down the widths."""
    import pyvips  # bench-only: requirements/local.txt, libvips from Debian

    first = pyvips.Image.new_from_buffer(data, "", access="sequential")
    widths = sorted((w for w in WIDTHS if w <= first.width), reverse=True)
    # Kept in memory: each width is read twice (two encoders) and resized from.
    current = pyvips.Image.thumbnail_buffer(data, widths[0]).copy_memory()
    out: dict[tuple[int, str], bytes] = {}
    for width in widths:
        if current.width != width:
            current = current.resize(width / current.width, kernel="lanczos3").copy_memory()
        out[(width, "webp")] = current.webpsave_buffer(Q=80)
        out[(width, "jpeg")] = current.jpegsave_buffer(Q=82, optimize_coding=True)
    return out


def _have_vips() -> bool:
    try:
        import pyvips  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


PIPELINES = {
    "baseline": naive_renditions,
    "ours": ours,
    "pyvips": vips_renditions,
    "ours+crops": ours_with_crops,
}


def _luma(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.float64)


def _box_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Mean over every ``window`` x ``window`` neighbourhood (valid region), via an integral image."""
    integral = np.pad(values, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    total = (
        integral[window:, window:]
        - integral[:-window, window:]
        - integral[window:, :-window]
        + integral[:-window, :-window]
    )
    return total / (window * window)


def ssim(a: bytes, b: bytes, *, window: int = 7) -> float:
    """Return the mean structural similarity of two images' luma (Wang et al. 2004, box window)."""
    x, y = _luma(a), _luma(b)
    if x.shape != y.shape:
        raise ValueError(f"different sizes: {x.shape} vs {y.shape}")
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = _box_mean(x, window), _box_mean(y, window)
    vx = _box_mean(x * x, window) - mx * mx
    vy = _box_mean(y * y, window) - my * my
    cxy = _box_mean(x * y, window) - mx * my
    value = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(value.mean())


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(f"{field}:"))
    return int(line.split()[1])


def measure_peak_growth(pipeline: str, data: bytes) -> int:
    """Run ``pipeline`` once; return the peak resident-memory growth in KiB (Linux /proc).

    Writing 5 to clear_refs resets the peak (VmHWM) to the current RSS, so only the run counts.
    """
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    before = _status_kib("VmRSS")
    PIPELINES[pipeline](data)
    return _status_kib("VmHWM") - before


def peak_memory_mib(pipeline: str, photo: bytes) -> float:
    """Return the peak RSS growth (MiB) of one run of ``pipeline`` in a fresh process."""
    code = (
        "import sys\n"
        "from bench.renditions import measure_peak_growth\n"
        f"print(measure_peak_growth({pipeline!r}, sys.stdin.buffer.read()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input=photo, capture_output=True, check=True, timeout=300
    )
    return int(result.stdout.decode().strip()) / 1024


def main() -> None:
    photo = photo_like_jpeg()
    names = [name for name in PIPELINES if name != "pyvips" or _have_vips()]
    print(f"input: {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG, {len(photo) / 1e6:.2f} MB; {RUNS} runs each")
    print(f"encode threads: {ENCODE_THREADS} (os.cpu_count); Lambda: 1 vCPU per 1,769 MB, 6 at 10,240 MB")
    if "pyvips" not in names:
        print("pyvips: not installed (make bench-deps installs libvips and pyvips); skipped")
    outputs = {name: PIPELINES[name](photo) for name in names}
    # Interleave the pipelines' runs so machine noise hits all alike.
    samples: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(RUNS):
        for name in names:
            samples[name].extend(timings(functools.partial(PIPELINES[name], photo), repeat=1, warmup=0))
    time_ms = {name: median_ms(values) for name, values in samples.items()}
    memory = {name: peak_memory_mib(name, photo) for name in ("baseline", "ours")}
    total = {name: sum(len(b) for b in out.values()) for name, out in outputs.items()}

    rows: list[tuple[object, ...]] = []
    worst = {name: 1.0 for name in ("ours", "pyvips") if name in outputs}
    for key in sorted(outputs["baseline"]):
        base_bytes = outputs["baseline"][key]
        row: list[object] = [f"{key[0]}w {key[1]}", len(base_bytes)]
        for name in worst:
            other = outputs[name][key]
            score = ssim(other, base_bytes)
            worst[name] = min(worst[name], score)
            row += [len(other), f"{score:.4f}"]
        rows.append(tuple(row))
    headers = ["rendition", "baseline bytes"]
    for name in worst:
        headers += [f"{name} bytes", f"{name} SSIM"]
    print(table(rows, tuple(headers)))
    print()
    summary: list[tuple[object, ...]] = [
        ("median time (ms)", *(f"{time_ms[name]:.0f}" for name in names)),
        ("total bytes", *(total[name] for name in names)),
        (
            "worst SSIM vs baseline",
            "",
            *(f"{worst[name]:.4f}" if name in worst else "" for name in names[1:]),
        ),
        ("peak memory (MiB)", f"{memory['baseline']:.1f}", f"{memory['ours']:.1f}", *("" for _ in names[2:])),
    ]
    print(table(summary, ("measure", *names)))
    print()
    goals: list[tuple[object, ...]] = [
        ("ours vs baseline: time", f"{time_ms['baseline'] / time_ms['ours']:.2f}x faster", ">= 2.5x"),
        ("ours vs baseline: bytes", f"{total['ours'] / total['baseline']:.3f}", "<= 1.1"),
        ("ours: worst SSIM", f"{worst['ours']:.4f}", ">= 0.97"),
    ]
    if "pyvips" in outputs:
        goals += [
            ("ours time / pyvips time", f"{time_ms['ours'] / time_ms['pyvips']:.2f}", "<= 1.1"),
            ("ours bytes / pyvips bytes", f"{total['ours'] / total['pyvips']:.3f}", "about 1 (equal bytes)"),
        ]
    goals.append(("cover crops add (ms)", f"{time_ms['ours+crops'] - time_ms['ours']:.0f}", ""))
    print(table(goals, ("measure", "value", "goal")))
