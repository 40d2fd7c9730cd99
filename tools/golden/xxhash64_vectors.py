"""Reference values for Engine's XXHash64 (ContentHash tests), from the `xxhash` package.

Run: pip install xxhash; python tools/golden/xxhash64_vectors.py
The printed values are pasted into Tests/EngineTests/ContentHashTests.swift (they are tiny).
"""
import xxhash

inputs = [
    ("empty", b"", 0),
    ("a", b"a", 0),
    ("abc", b"abc", 0),
    ("bytes0-255x3+xyz", bytes(range(256)) * 3 + b"xyz", 0),
    ("Duet x9", b"Duet" * 9, 0),
    ("bytes0-99 seed 42", bytes(range(100)), 42),
]
for name, data, seed in inputs:
    print(f"{name}: len {len(data)} seed {seed} -> 0x{xxhash.xxh64(data, seed=seed).intdigest():016x}")
