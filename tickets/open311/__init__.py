"""Open311 GeoReport v2: the open standard through which 311 clients file and follow tickets."""
