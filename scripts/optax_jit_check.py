"""By hand, with jax and optax installed: the optax module's schedule under jax.jit against the plan's CSV.

    deno task compile r.recipe --target optax > /tmp/r_optax.py
    deno task compile r.recipe --target csv > /tmp/r.csv
    python scripts/optax_jit_check.py /tmp/r_optax.py /tmp/r.csv [MODULE CSV ...]

For every update k, jax.jit(schedule)(k) and jax.jit(weight_decay_schedule)(k) (and both under vmap), once
with jax_enable_x64 and once in float32: prints the largest relative error, and fails on a NaN, on a
nonzero where the plan is 0 or on a sign change. Expected: x64 within 1e-12, float32 at float32 rounding.
"""
import csv
import importlib.util
import math
import subprocess
import sys


def check(mode, pairs):
    import jax

    jax.config.update("jax_enable_x64", mode == "x64")
    import numpy as np

    worst, bad, updates = (0.0, None), 0, 0
    for n, (module_path, csv_path) in enumerate(pairs):
        spec = importlib.util.spec_from_file_location(f"plan{n}", module_path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with open(csv_path, newline="") as f:
            rows = list(csv.DictReader(f))
        for column, fn in (("lr", module.schedule), ("weight_decay", module.weight_decay_schedule)):
            want = [float(r[column]) for r in rows]
            jitted = jax.jit(fn)
            scalar = [float(jitted(k)) for k in range(len(want))]
            mapped = [float(x) for x in jax.jit(jax.vmap(fn))(np.arange(len(want), dtype=np.int32))]
            updates += len(want)
            for k, w in enumerate(want):
                for how, x in (("jit", scalar[k]), ("vmap", mapped[k])):
                    if math.isnan(x) or (x == 0) != (w == 0) or (x < 0) != (w < 0):
                        bad += 1
                        print(f"{mode} {module_path} {column} {how} update {k}: {x} for {w}")
                    elif w != 0 and abs(x - w) / abs(w) > worst[0]:
                        worst = (abs(x - w) / abs(w), f"{module_path} {column} {how} update {k}: {x} for {w}")
    print(f"{mode}: {len(pairs)} plans, {updates} values, max relative error {worst[0]:.3g} ({worst[1]}), {bad} bad")
    return bad == 0 and (mode != "x64" or worst[0] <= 1e-12)


if __name__ == "__main__":
    if sys.argv[1] in ("x64", "float32"):
        args = sys.argv[2:]
        sys.exit(0 if check(sys.argv[1], list(zip(args[::2], args[1::2]))) else 1)
    # jax_enable_x64 must be set before the first trace: one process per mode.
    codes = [subprocess.call([sys.executable, __file__, mode, *sys.argv[1:]]) for mode in ("x64", "float32")]
    sys.exit(max(codes))
