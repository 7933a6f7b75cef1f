SHOW INDEXES YIELD labelsOrTypes, properties
WHERE labelsOrTypes IS NOT NULL
RETURN labelsOrTypes[0] AS label, properties
