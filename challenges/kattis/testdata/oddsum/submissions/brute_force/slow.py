import sys
t = sys.stdin.read().split()
n = int(t[0])
total = 0
for x in map(int, t[1:1 + n]):
    while x % 2 and abs(x) > 0:  # loops forever on odd numbers
        pass
print(total)
