// The vector index of User slot b. Created once and kept: adding or dropping a field
// re-indexes every field of the label in the background (both slots).
CREATE VECTOR INDEX FOR (u:User) ON (u.embedding_b)
OPTIONS {dimension: $dimension, similarityFunction: 'cosine', M: $m, efConstruction: $ef_construction}
