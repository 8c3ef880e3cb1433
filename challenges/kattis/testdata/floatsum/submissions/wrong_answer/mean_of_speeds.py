# Averages the legs' speeds: wrong unless all legs take as long.
import sys
data = sys.stdin.read().split()
n = int(data[0])
speeds = [float(data[1 + 2 * i]) / float(data[2 + 2 * i]) for i in range(n)]
print(f"{sum(speeds) / n:.9f}")
