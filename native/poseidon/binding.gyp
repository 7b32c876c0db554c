{
  "targets": [
    {
      "target_name": "poseidon",
      "sources": ["poseidon.c", "bn254.c"],
      "include_dirs": ["generated"],
      "cflags": ["-O3", "-march=native", "-std=gnu11", "-fno-strict-aliasing", "-pthread"],
      "ldflags": ["-pthread"]
    }
  ]
}
