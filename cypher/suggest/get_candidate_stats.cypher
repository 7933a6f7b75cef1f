// Each suggested account as shown, plus what filters it: already followed, already given
// feedback on (accepted or rejected), and whether it follows the user.
MATCH (u:User {id: $user_id})
UNWIND $ids AS id
MATCH (c:User {id: id})
OPTIONAL MATCH (c)<-[:FOLLOWS]-(follower:User)
WITH u, c, count(follower) AS followers
OPTIONAL MATCH (c)-[:FOLLOWS]->(followee:User)
WITH u, c, followers, count(followee) AS following
OPTIONAL MATCH (c)-[:POSTED]->(p:Post)
WHERE p.removed_at IS NULL
WITH u, c, followers, following, count(p) AS posts
RETURN c.id AS id, c.name AS name, followers, following, posts,
       size([(u)-[:FOLLOWS]->(c) | 1]) > 0 AS followed,
       size([(c)-[:FOLLOWS]->(u) | 1]) > 0 AS follows_you,
       size([(u)-[:SUGGESTION_FEEDBACK]->(c) | 1]) > 0 AS feedback
