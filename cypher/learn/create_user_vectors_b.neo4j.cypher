// The vector index of User slot b (cosine - Neo4j >= 5.11).
CREATE VECTOR INDEX user_embedding_b IF NOT EXISTS
FOR (u:User) ON (u.embedding_b)
OPTIONS {indexConfig: {`vector.dimensions`: $dimension, `vector.similarity_function`: 'cosine'}}
