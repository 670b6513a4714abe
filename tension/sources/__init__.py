"""Importers that turn outside data (GDELT, ICEWS, articles, timelines) into event frames."""
