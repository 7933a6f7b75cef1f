// Vector indexes: label, property, dimension and whether they answer.
SHOW VECTOR INDEXES YIELD labelsOrTypes, properties, options, state
RETURN labelsOrTypes[0] AS label, properties[0] AS property,
       options.indexConfig['vector.dimensions'] AS dimension, state = 'ONLINE' AS ready
