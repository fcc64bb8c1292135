#!/usr/bin/env bash
# Build time and peak memory of `prescreen build` for N random PDQ hashes
# (default radius 8, rate 1e-6, dihedral on), measured with GNU time.
# Usage: scripts/bench-filter-build.sh [N ...]   (default: 1000000 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin prescreen
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for n in "${@:-1000000 10000000}"; do
    python3 -c "
import random, sys
r = random.Random($n)
with open('$dir/pdq.txt', 'w') as f:
    for _ in range($n):
        f.write('%064x,100\n' % r.getrandbits(256))
"
    /usr/bin/time -v target/release/prescreen build -o "$dir/f.psf" --pdq "$dir/pdq.txt" 2> "$dir/time.txt"
    echo "N=$n: $(grep -E 'Elapsed' "$dir/time.txt" | sed 's/.*: //') wall, peak RSS $(grep 'Maximum resident' "$dir/time.txt" | sed 's/.*: //') KB"
done
