// The suggestions on the page shown, as shown: name, posts not removed, and the two tags the
// user and the account are most into together (the INTERESTED_IN weights decayed to $now,
// by the product of the two, then by name) for the "you both engage with" reason. Read
// after ranking for this page only: the shortlist scored is ~5x longer.
MATCH (u:User {id: $user_id})
UNWIND $ids AS id
MATCH (c:User {id: id})
OPTIONAL MATCH (c)-[:POSTED]->(p:Post)
WHERE p.removed_at IS NULL
WITH u, c, count(p) AS posts
OPTIONAL MATCH (c)-[j:INTERESTED_IN]->(t:Tag)
WITH u, c, posts, t, j.weight * exp($decay * (j.updated_at - $now)) AS theirs
OPTIONAL MATCH (u)-[i:INTERESTED_IN]->(t)
WITH c, posts, t, theirs, coalesce(i.weight * exp($decay * (i.updated_at - $now)), 0.0) AS mine
ORDER BY theirs * mine DESC, t.name
WITH c, posts, collect(CASE WHEN mine > 0 THEN t.name END) AS shared
RETURN c.id AS id, c.name AS name, posts, shared[..2] AS shared
