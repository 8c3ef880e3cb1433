"""Kattis output validator: every query must name the closest station."""
import sys
from pathlib import Path

inp, ans, feedback = sys.argv[1], sys.argv[2], Path(sys.argv[3])
extra = sys.argv[4:]
tokens = Path(inp).read_text().split()
n, q = int(tokens[0]), int(tokens[1])
pos = [int(x) for x in tokens[2:2 + n]]
queries = [int(x) for x in tokens[2 + n:2 + n + q]]
got = sys.stdin.read().split()
if len(got) != q:
    (feedback / "judgemessage.txt").write_text(f"expected {q} answers, got {len(got)}")
    sys.exit(43)
for i, (x, g) in enumerate(zip(queries, got)):
    try:
        k = int(g)
    except ValueError:
        (feedback / "judgemessage.txt").write_text(f"answer {i + 1} is not a number")
        sys.exit(43)
    if not 1 <= k <= n or abs(pos[k - 1] - x) != min(abs(p - x) for p in pos):
        (feedback / "judgemessage.txt").write_text(f"answer {i + 1} is not a closest station ({' '.join(extra)})")
        sys.exit(43)
sys.exit(42)
