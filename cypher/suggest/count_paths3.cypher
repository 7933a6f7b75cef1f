// Paths of length 3 along follows from the user to each candidate (the blend's P3 term).
// The candidates are bound once and matched by node, not by reading c.id on every path
// end (a user reaching ~800 accounts in two hops ends ~17k paths: half the query's time).
// The middle account is named: on FalkorDB an anonymous middle hop yields each (followee,
// candidate) pair once, which counted the followees reaching c, not the paths that the
// blend was fitted on ((A^3)uv, engine/learn/linkpred.py) and that Neo4j counts.
UNWIND $ids AS id
MATCH (c:User {id: id})
WITH collect(c) AS candidates
MATCH (u:User {id: $user_id})-[:FOLLOWS]->(x:User)
WITH candidates, x
LIMIT $followees
MATCH (x)-[:FOLLOWS]->(b)-[:FOLLOWS]->(c)
WHERE c IN candidates
RETURN c.id AS id, count(b) AS paths3
