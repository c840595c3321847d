"""Building blocks of the sample-corpus generator: story, phrasing, documents and renderers."""
