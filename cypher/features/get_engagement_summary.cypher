// Engagements of one post in total: counts, mean score, first and last time, and a
// histogram of scores in five buckets of 20 (the last one holds 100).
MATCH (p:Post {id: $post_id})
OPTIONAL MATCH (p)<-[e:ENGAGED]-(u:User)
WITH count(e) AS total, count(DISTINCT u) AS users, avg(e.score) AS mean_score,
     min(e.at) AS first_at, max(e.at) AS last_at, collect(e.score) AS scores
RETURN total, users, mean_score, first_at, last_at,
       [b IN range(0, 4) | size([s IN scores WHERE s >= b * 20 AND (s < b * 20 + 20 OR b = 4)])]
         AS histogram
