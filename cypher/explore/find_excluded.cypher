// Which of the candidate posts $ids Explore must not show the user now: their own, by
// someone they follow, seen (SAW), engaged with, or removed.
// POSTED only leaves users, so the author names no label (a label check per post: 5-7%).
MATCH (me:User {id: $user_id})
UNWIND $ids AS id
MATCH (a)-[:POSTED]->(p:Post {id: id})
WITH me, a, p
WHERE a = me OR p.removed_at IS NOT NULL OR (me)-[:FOLLOWS]->(a) OR (me)-[:SAW]->(p)
   OR (me)-[:ENGAGED]->(p)
RETURN p.id AS id
