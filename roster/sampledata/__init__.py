"""The bundled sample team and demand history, regenerated from a seed."""
