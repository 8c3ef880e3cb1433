import sys
data = sys.stdin.read().split()
while True:
    pass
