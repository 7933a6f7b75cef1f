// Up to $limit communities of versions other than $keep, with their memberships and links.
MATCH (c:Community)
WHERE c.version <> $keep
WITH c
LIMIT $limit
DETACH DELETE c
RETURN count(*) AS deleted
