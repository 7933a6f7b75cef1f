// Suggestion feedback: the latest answer wins, and an accepted suggestion also follows.
MATCH (u:User {id: $user_id})
MATCH (t:User {id: $target_id})
MERGE (u)-[f:SUGGESTION_FEEDBACK]->(t)
SET f.accepted = $accepted, f.at = $now
FOREACH (_ IN CASE WHEN $accepted THEN [1] ELSE [] END |
  MERGE (u)-[g:FOLLOWS]->(t)
  ON CREATE SET g.since = $now
)
RETURN f.accepted AS accepted
