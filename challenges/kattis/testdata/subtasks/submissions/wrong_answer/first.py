import sys
t = sys.stdin.read().split()
for _ in range(int(t[1])):
    print(0)
