// The vector index of Post slot a. Created once and kept: adding or dropping a field
// re-indexes every field of the label in the background (both slots).
CREATE VECTOR INDEX FOR (p:Post) ON (p.embedding_a)
OPTIONS {dimension: $dimension, similarityFunction: 'cosine', M: $m, efConstruction: $ef_construction}
