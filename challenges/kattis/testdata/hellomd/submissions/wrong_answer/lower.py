print(f"hello, {input().strip()}!")
