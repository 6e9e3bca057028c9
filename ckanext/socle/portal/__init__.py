"""Portal-level pages of the `socle` plugin: the home page that leads to each capability."""
