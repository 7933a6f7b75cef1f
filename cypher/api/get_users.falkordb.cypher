// Users as the API shows them, with their follower, followee and live post counts.
// indegree()/outdegree() read a FOLLOWS degree without walking the follower list (a user
// follows an account at most once, so edges are followers): the pattern comprehensions
// this replaced cost ~1 ms of database CPU per popular author (a feed's page of authors
// ~20 ms). DISTINCT: the post count is grouped per user, so an id sent twice counts once.
UNWIND $ids AS id
WITH DISTINCT id
MATCH (u:User {id: id})
OPTIONAL MATCH (u)-[:POSTED]->(p:Post)
WHERE p.removed_at IS NULL
WITH u, count(p) AS posts
RETURN u.id AS id, u.name AS name, u.created_at AS created_at,
       indegree(u, 'FOLLOWS') AS followers, outdegree(u, 'FOLLOWS') AS following, posts
