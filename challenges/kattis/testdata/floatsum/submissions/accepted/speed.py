import sys
data = sys.stdin.read().split()
n = int(data[0])
d = sum(float(x) for x in data[1:2 * n + 1:2])
t = sum(float(x) for x in data[2:2 * n + 2:2])
print(f"{d / t:.9f}")
