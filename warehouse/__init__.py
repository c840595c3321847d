"""medparole's DuckDB warehouse: schema, the single writer, the published read-only copy, queries, exports."""
