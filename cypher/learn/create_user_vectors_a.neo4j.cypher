// The vector index of User slot a (cosine - Neo4j >= 5.11).
CREATE VECTOR INDEX user_embedding_a IF NOT EXISTS
FOR (u:User) ON (u.embedding_a)
OPTIONS {indexConfig: {`vector.dimensions`: $dimension, `vector.similarity_function`: 'cosine'}}
