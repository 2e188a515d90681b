"""Views of the sessions app, one module per screen family."""
