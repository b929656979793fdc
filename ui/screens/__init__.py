"""One module per screen of the client."""
