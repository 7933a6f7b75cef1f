UNWIND $ids AS id
MATCH (p:Post {id: id})
WHERE p.removed_at IS NULL
SET p.removed_at = $now
RETURN count(p) AS removed
