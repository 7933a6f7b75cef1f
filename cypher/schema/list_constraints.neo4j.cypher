SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties
RETURN type, labelsOrTypes[0] AS label, properties, 'OPERATIONAL' AS status
