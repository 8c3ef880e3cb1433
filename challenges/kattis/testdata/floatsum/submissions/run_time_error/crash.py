import sys
data = sys.stdin.read().split()
n = int(data[0])
print(1 / (n - n))
