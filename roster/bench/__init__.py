"""Public benchmarks solved with the product's own roster engine (Curtois & Qu)."""
