"""medparole's extraction core: files in, grounded facts out (no Prefect, no DuckDB)."""

__version__ = "0.1.0"
