MATCH (n:Tag)
RETURN count(n) AS n
