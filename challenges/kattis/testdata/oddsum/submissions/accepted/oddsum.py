import sys
t = sys.stdin.read().split()
n = int(t[0])
print(sum(x for x in map(int, t[1:1 + n]) if x % 2))
