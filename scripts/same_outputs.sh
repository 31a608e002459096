#!/usr/bin/env bash
# Show that two revisions give byte-identical outputs for the main commands:
#   bash scripts/same_outputs.sh REV_A REV_B
# Each revision is checked out into a temporary worktree, installed into its own
# virtual environment (reusing the installed dependencies), and runs
#   geomap render examples/article.txt, geomap places ... --format json and
#   geomap zone --points ... --format csv on the same inputs; the SHA-256 of every
#   output is printed and compared.
set -euo pipefail
a=${1:?usage: same_outputs.sh REV_A REV_B}; b=${2:?usage: same_outputs.sh REV_A REV_B}
top=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'for r in a b; do git -C "$top" worktree remove --force "$work/$r" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
python3 - "$work/points.csv" <<'PY'
import sys
import numpy as np
rng = np.random.default_rng(2026)
lat = np.r_[rng.uniform(20, 45, 3000), rng.uniform(-80, 80, 2000)]
lon = np.r_[rng.uniform(115, 135, 3000), rng.uniform(-180, 180, 2000)]
with open(sys.argv[1], "w") as fh:
    fh.write("id,lat,lon\n")
    for i, (y, x) in enumerate(zip(lat, lon)):
        fh.write(f"{i},{y:.5f},{x:.5f}\n")
PY
for r in a b; do
    rev=$([ "$r" = a ] && echo "$a" || echo "$b")
    git -C "$top" worktree add --detach -q "$work/$r" "$rev"
    python3 -m venv --system-site-packages "$work/venv-$r"
    "$work/venv-$r/bin/pip" install -q --no-deps "$work/$r" 2>/dev/null
    out="$work/out-$r"; mkdir -p "$out"
    (cd "$work" && "$work/venv-$r/bin/geomap" render "$work/$r/examples/article.txt" -o "$out/map.html" 2>/dev/null
     "$work/venv-$r/bin/geomap" places "$work/$r/examples/article.txt" --format json -o "$out/places.json"
     "$work/venv-$r/bin/geomap" zone --points "$work/points.csv" --format csv -o "$out/zones.csv" 2>/dev/null)
done
status=0
for f in map.html places.json zones.csv; do
    ha=$(sha256sum "$work/out-a/$f" | cut -c1-16); hb=$(sha256sum "$work/out-b/$f" | cut -c1-16)
    if [ "$ha" = "$hb" ]; then echo "same       $f  $ha"; else echo "DIFFERENT  $f  $ha  $hb"; status=1; fi
done
exit $status
