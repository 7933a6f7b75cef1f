// Training writes User vectors into slot a (not the active run's: readers do not see
// them until the flip). Vectors travel as fixed-point text (component * 10000, joined by
// spaces): parsed by the server, far cheaper than a list parameter of floats.
UNWIND $rows AS row
MATCH (u:User {id: row.id})
SET u.embedding_a = CASE WHEN row.e IS NULL THEN null
                         ELSE vecf32([x IN split(row.e, ' ') | toFloat(x) / 10000.0]) END
RETURN count(u) AS written
