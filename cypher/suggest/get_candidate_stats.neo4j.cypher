// What scores and filters each shortlisted account: its FOLLOWS degrees, already followed,
// already given feedback on (accepted or rejected), whether it follows the user. (Its name
// and posts are read for the page shown only: get_shown_accounts.) COUNT {} reads the
// degrees from Neo4j's degree store rather than walking every follower.
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[:SUGGESTION_FEEDBACK]->(r:User)
WITH u, collect(r) AS answered
UNWIND $ids AS id
MATCH (c:User {id: id})
RETURN c.id AS id,
       COUNT { (c)<-[:FOLLOWS]-() } AS followers,
       COUNT { (c)-[:FOLLOWS]->() } AS following,
       EXISTS { (u)-[:FOLLOWS]->(c) } AS followed,
       EXISTS { (c)-[:FOLLOWS]->(u) } AS follows_you,
       c IN answered AS feedback
