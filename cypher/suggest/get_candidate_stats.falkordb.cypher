// Each suggested account as shown, plus what filters it: already followed, already given
// feedback on (accepted or rejected), and whether it follows the user. The answers are
// read once as a list (see find_friends_of_friends). FalkorDB's indegree()/outdegree()
// read a FOLLOWS degree without walking the follower list (a user follows an account at
// most once, so edges are followers): ~25% of this query, ~40% of its p99, whose
// candidates include the most followed accounts (embedding and community sources).
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (u)-[:SUGGESTION_FEEDBACK]->(r:User)
WITH u, collect(r) AS answered
UNWIND $ids AS id
MATCH (c:User {id: id})
OPTIONAL MATCH (c)-[:POSTED]->(p:Post)
WHERE p.removed_at IS NULL
WITH u, answered, c, count(p) AS posts
RETURN c.id AS id, c.name AS name, indegree(c, 'FOLLOWS') AS followers,
       outdegree(c, 'FOLLOWS') AS following, posts,
       size([(u)-[:FOLLOWS]->(c) | 1]) > 0 AS followed,
       size([(c)-[:FOLLOWS]->(u) | 1]) > 0 AS follows_you,
       c IN answered AS feedback
