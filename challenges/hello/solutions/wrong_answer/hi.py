name = input().strip()
print(f"Hi, {name}!")
