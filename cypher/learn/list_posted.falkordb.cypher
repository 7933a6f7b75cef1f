// Export: who posted what, for the users in one internal-id window, as joined internal ids.
MATCH (u:User)
WHERE id(u) >= $lo AND id(u) < $hi
MATCH (u)-[:POSTED]->(p:Post)
RETURN string.join(collect(toString(id(u))), ' ') AS src, string.join(collect(toString(id(p))), ' ') AS dst,
       count(*) AS n
