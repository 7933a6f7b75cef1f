// New follows, idempotent (MERGE: a repeated follow changes nothing), and the follower
// counter beside each followed user (see recommend/create_user_counts): it grows by the
// follows this batch created, found before the MERGE; a pair named twice is one follow,
// from the earliest time. A user without counters yet (a graph written before them) gets
// them counted live, this batch included. (count(), not sum(): FalkorDB's sum() of integers
// is a float, and the counter must stay an integer.)
UNWIND $rows AS row
WITH row.source AS source, row.target AS target, min(row.at) AS at
MATCH (a:User {id: source})
MATCH (b:User {id: target})
OPTIONAL MATCH (a)-[old:FOLLOWS]->(b)
WITH a, b, at, count(old) = 0 AS new
MERGE (a)-[f:FOLLOWS]->(b)
ON CREATE SET f.since = at
WITH b, count(f) AS follows, count(CASE WHEN new THEN 1 END) AS added
OPTIONAL MATCH (b)-[:HAS_COUNTS]->(n:UserCounts)
SET n.followers = n.followers + added
WITH b, n, follows
OPTIONAL MATCH (b)<-[:FOLLOWS]-(x)
WHERE n IS NULL
WITH b, n, follows, count(x) AS live
FOREACH (_ IN CASE WHEN n IS NULL THEN [1] ELSE [] END |
  CREATE (b)-[:HAS_COUNTS]->(:UserCounts {followers: live})
)
RETURN toInteger(sum(follows)) AS follows
