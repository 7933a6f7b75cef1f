MATCH (n:User)
RETURN count(n) AS n
