// Unfollows, and the follower counter beside each unfollowed user (see
// recommend/create_user_counts) shrinks by the follows deleted. A pair named twice is
// one unfollow; a follow that does not exist deletes and counts nothing.
UNWIND $rows AS row
WITH DISTINCT row.source AS source, row.target AS target
MATCH (a:User {id: source})-[f:FOLLOWS]->(b:User {id: target})
DELETE f
WITH b, count(*) AS removed
OPTIONAL MATCH (b)-[:HAS_COUNTS]->(n:UserCounts)
SET n.followers = n.followers - removed
RETURN toInteger(sum(removed)) AS unfollowed
