// Engagements of one post by label: how many, by how many users, mean score.
MATCH (p:Post {id: $post_id})<-[e:ENGAGED]-(u:User)
WITH e.label AS label, count(e) AS count, count(DISTINCT u) AS users, avg(e.score) AS mean_score
RETURN label, count, users, mean_score
ORDER BY count DESC, label
