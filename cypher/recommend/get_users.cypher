// Users as the API shows them: name and counts. Unknown ids give no row. (Degrees are
// counted with OPTIONAL MATCH over an anonymous relationship: on FalkorDB that is several
// times faster than a pattern comprehension or a bound relationship variable.)
UNWIND $ids AS id
MATCH (u:User {id: id})
OPTIONAL MATCH (u)<-[:FOLLOWS]-(follower:User)
WITH u, count(follower) AS followers
OPTIONAL MATCH (u)-[:FOLLOWS]->(followee:User)
WITH u, followers, count(followee) AS following
OPTIONAL MATCH (u)-[:POSTED]->(p:Post)
WHERE p.removed_at IS NULL
RETURN u.id AS id, u.name AS name, followers, following, count(p) AS posts
