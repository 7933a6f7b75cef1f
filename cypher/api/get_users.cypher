UNWIND $ids AS id
MATCH (u:User {id: id})
RETURN u.id AS id, u.name AS name, u.created_at AS created_at,
       size([(u)<-[:FOLLOWS]-(follower) | follower]) AS followers,
       size([(u)-[:FOLLOWS]->(followee) | followee]) AS following,
       size([(u)-[:POSTED]->(post) WHERE post.removed_at IS NULL | post]) AS posts
