// Which of $ids are removed now: the feed's live check of the posts it picked.
UNWIND $ids AS id
MATCH (p:Post {id: id})
WHERE p.removed_at IS NOT NULL
RETURN p.id AS id
