"""`python -m benchmarks vector`: engram's vector index against bare hnswlib and Kùzu."""
