// Each suggested account as shown, plus what filters it: already followed, already given
// feedback on (accepted or rejected), and whether it follows the user. COUNT {} reads the
// degrees from Neo4j's degree store rather than walking every follower.
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[:SUGGESTION_FEEDBACK]->(r:User)
WITH u, collect(r) AS answered
UNWIND $ids AS id
MATCH (c:User {id: id})
RETURN c.id AS id, c.name AS name,
       COUNT { (c)<-[:FOLLOWS]-() } AS followers,
       COUNT { (c)-[:FOLLOWS]->() } AS following,
       COUNT { (c)-[:POSTED]->(p:Post) WHERE p.removed_at IS NULL } AS posts,
       EXISTS { (u)-[:FOLLOWS]->(c) } AS followed,
       EXISTS { (c)-[:FOLLOWS]->(u) } AS follows_you,
       c IN answered AS feedback
