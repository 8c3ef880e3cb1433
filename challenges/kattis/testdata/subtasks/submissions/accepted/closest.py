import sys
t = sys.stdin.read().split()
n, q = int(t[0]), int(t[1])
pos = [int(x) for x in t[2:2 + n]]
for x in t[2 + n:2 + n + q]:
    x = int(x)
    print(min(range(n), key=lambda i: abs(pos[i] - x)) + 1)
