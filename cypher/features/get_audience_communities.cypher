// The audience of a post by community (the `community` property `graphfeed train` writes):
// audience size, and how many of them fall in each community.
MATCH (p:Post {id: $post_id})<-[:ENGAGED]-(u:User)
WITH DISTINCT u
LIMIT $audience
WITH collect(u) AS audience
UNWIND audience AS u
WITH size(audience) AS total, u.community AS community
WHERE community IS NOT NULL
RETURN total, community, count(*) AS users
ORDER BY users DESC, community
LIMIT $limit
