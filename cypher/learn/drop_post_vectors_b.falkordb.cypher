// Dropped only when the embedding dimension changes.
DROP VECTOR INDEX FOR (p:Post) ON (p.embedding_b)
