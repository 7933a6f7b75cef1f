// Users as the API shows them, with their follower, followee and live post counts.
// COUNT {} reads the degrees from Neo4j's degree store rather than walking every follower.
UNWIND $ids AS id
MATCH (u:User {id: id})
RETURN u.id AS id, u.name AS name, u.created_at AS created_at,
       COUNT { (u)<-[:FOLLOWS]-() } AS followers,
       COUNT { (u)-[:FOLLOWS]->() } AS following,
       COUNT { (u)-[:POSTED]->(p:Post) WHERE p.removed_at IS NULL } AS posts
