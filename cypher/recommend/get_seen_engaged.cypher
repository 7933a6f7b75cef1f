// Which of the candidate posts the user had seen or engaged with by $as_of, read from the
// user's side: their SAW and ENGAGED edges whose post is among $ids. Its cost grows with
// the user's history, not with the ~280 candidates, so the feed uses it while that history
// is short (RecommendSettings.user_side_history) and recommend/get_candidate_state, one
// lookup per candidate, beyond. Removal is not here: the feed checks the posts it picks.
// SAW and ENGAGED only join users to posts, so the hop names no label.
MATCH (u:User {id: $user_id})-[s:SAW|ENGAGED]->(p)
WHERE p.id IN $ids
WITH p, type(s) = 'SAW' AS saw, s
WHERE (saw AND s.first_at <= $as_of) OR (NOT saw AND s.at <= $as_of)
WITH p, sum(CASE WHEN saw THEN 1 ELSE 0 END) AS saws, count(s) AS edges
RETURN p.id AS id, false AS removed, saws > 0 AS seen, edges > saws AS engaged
