// Up to $limit of slot b's collaborative neighbour relationships go: before a run writes
// the slot, and after a run of the other slot is published.
MATCH (:Post)-[n:ALSO_ENGAGED_B]->(:Post)
WITH n
LIMIT $limit
DELETE n
RETURN count(*) AS deleted
