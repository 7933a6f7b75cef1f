// Paths of length 3 along follows from the user to each candidate (the blend's P3 term).
MATCH (u:User {id: $user_id})-[:FOLLOWS]->(x:User)
WITH x
LIMIT $followees
MATCH (x)-[:FOLLOWS]->(:User)-[:FOLLOWS]->(c:User)
WHERE c.id IN $ids
RETURN c.id AS id, count(*) AS paths3
