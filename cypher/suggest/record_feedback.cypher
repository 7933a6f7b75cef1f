// Suggestion feedback: the latest answer wins, and an accepted suggestion also follows.
// A follow it creates counts on the target's follower counter, as in ingest/create_follows
// (found before the MERGE; a target without counters gets them counted live, itself too).
MATCH (u:User {id: $user_id})
MATCH (t:User {id: $target_id})
OPTIONAL MATCH (u)-[old:FOLLOWS]->(t)
WITH u, t, $accepted AND count(old) = 0 AS new
MERGE (u)-[f:SUGGESTION_FEEDBACK]->(t)
SET f.accepted = $accepted, f.at = $now
FOREACH (_ IN CASE WHEN $accepted THEN [1] ELSE [] END |
  MERGE (u)-[g:FOLLOWS]->(t)
  ON CREATE SET g.since = $now
)
WITH t, f, new
OPTIONAL MATCH (t)-[:HAS_COUNTS]->(n:UserCounts)
SET n.followers = n.followers + CASE WHEN new THEN 1 ELSE 0 END
WITH t, f, n
OPTIONAL MATCH (t)<-[:FOLLOWS]-(x)
WHERE n IS NULL AND $accepted
WITH t, f, n, count(x) AS live
FOREACH (_ IN CASE WHEN n IS NULL AND $accepted THEN [1] ELSE [] END |
  CREATE (t)-[:HAS_COUNTS]->(:UserCounts {followers: live})
)
RETURN f.accepted AS accepted
