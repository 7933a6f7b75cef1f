UNWIND $rows AS row
MERGE (u:User {id: row.id})
ON CREATE SET u.created_at = coalesce(row.created_at, $now)
SET u.name = coalesce(row.name, u.name)
RETURN count(u) AS users
