// Dropped only when the embedding dimension changes.
DROP VECTOR INDEX FOR (u:User) ON (u.embedding_b)
