"""medparole's Streamlit dashboard: reads the published warehouse only, through warehouse.queries."""
