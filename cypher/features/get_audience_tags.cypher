// The audience of a post (up to $audience people who engaged with it) by their interests:
// how many of them have each tag, and their summed stored interest weight.
MATCH (p:Post {id: $post_id})<-[:ENGAGED]-(u:User)
WITH DISTINCT u
LIMIT $audience
MATCH (u)-[i:INTERESTED_IN]->(t:Tag)
RETURN t.name AS tag, count(u) AS users, sum(i.weight) AS weight
ORDER BY users DESC, weight DESC, tag
LIMIT $limit
