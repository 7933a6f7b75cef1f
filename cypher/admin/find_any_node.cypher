MATCH (n)
WITH n
LIMIT 1
RETURN count(n) AS found
